package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** A deferred hop never comes back before it was told, is spread a little, and never waits past the longest. */
class DeferralTest {
    private static final Duration LONGEST = Duration.ofSeconds(900);

    @Property
    void neverSoonerThanToldNeverLaterThanAFifthMoreOrFiveSecondsNorTheLongest(
            @ForAll @LongRange(min = -1000, max = 2_000_000) long retryAfterMillis, @ForAll long seed) {
        Duration retryAfter = Duration.ofMillis(retryAfterMillis);
        Duration delay = new Deferral(LONGEST, new SplittableRandom(seed)).after(retryAfter);
        Duration floor = retryAfter.compareTo(Deferral.SHORTEST) < 0 ? Deferral.SHORTEST : retryAfter;

        assertThat(delay).isLessThanOrEqualTo(LONGEST);
        if (floor.compareTo(LONGEST) < 0) {
            assertThat(delay).isGreaterThanOrEqualTo(floor);
            long spread = Math.min(floor.toMillis() / 5, 5_000);
            assertThat(delay).isLessThanOrEqualTo(floor.plusMillis(spread));
        } else {
            assertThat(delay).isEqualTo(LONGEST);
        }
    }

    @Test
    void aHerdToldTheSameRetryAfterComesBackSpreadNotInOneInstant() {
        Deferral deferral = new Deferral(LONGEST, new SplittableRandom(7));
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> deferral.after(Duration.ofSeconds(10)))
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(100);
    }

    @Test
    void backoffDoublesWithTheAttemptsUpToAboutEightAndAHalfMinutes() {
        Deferral deferral = new Deferral(LONGEST, new SplittableRandom(1));
        assertThat(deferral.backoff(1)).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2_400));
        assertThat(deferral.backoff(3)).isBetween(Duration.ofSeconds(8), Duration.ofMillis(9_600));
        assertThat(deferral.backoff(40)).isBetween(Duration.ofSeconds(512), Duration.ofSeconds(517));
    }
}
