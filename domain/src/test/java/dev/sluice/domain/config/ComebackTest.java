package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Denied work comes back as a steady stream a little faster than it can be admitted, never in waves. */
class ComebackTest {
    /** {@code grants} grants spread over one window starting at {@code at}; returns the window's end. */
    private static long window(Comeback lane, long at, int grants) {
        for (int i = 0; i < grants; i++) {
            lane.asked(at + i * (Comeback.WINDOW.toMillis() / Math.max(1, grants)));
            lane.granted();
        }
        return at + Comeback.WINDOW.toMillis();
    }

    @Test
    void aBacklogDeniedAtOnceIsGivenSlotsOneAfterAnotherAtTwiceTheGrantRate() {
        Comeback lane = new Comeback();
        long t = window(lane, 0, 10); // 2 grants a second
        t = window(lane, t, 10);
        lane.asked(t);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waits.add(lane.retryAfter(Duration.ofMillis(100), t).toMillis());
        }
        // 2 grants/s x TARGET 2 = 4 returns a second: slots 250 ms apart, the line 25 s long.
        for (int i = 1; i < waits.size(); i++) {
            assertThat(waits.get(i) - waits.get(i - 1)).isEqualTo(250);
        }
        assertThat(lane.line(t)).isEqualTo(Duration.ofMillis(waits.getLast()));
        assertThat(waits.getLast()).isEqualTo(25_000);
    }

    @Test
    void neverBeforeTheLimitersOwnWaitNorBeyondFiveMinutes() {
        Comeback fresh = new Comeback();
        assertThat(fresh.retryAfter(Duration.ofSeconds(3), 0)).isEqualTo(Duration.ofSeconds(3));

        Comeback lane = new Comeback();
        long t = window(lane, 0, 0);
        t = window(lane, t, 1);
        lane.asked(t);
        for (int i = 0; i < 10_000; i++) {
            Duration wait = lane.retryAfter(Duration.ofSeconds(7), t);
            assertThat(wait).isBetween(Duration.ofSeconds(7), Comeback.LONGEST);
            if (i > 1000) {
                assertThat(wait)
                        .as("the surplus of a line too long")
                        .isGreaterThanOrEqualTo(Comeback.LONGEST.dividedBy(2));
            }
        }
        assertThat(lane.line(t)).isEqualTo(Comeback.LONGEST);
    }

    /**
     * One lane's backlog against a key admitting {@code perSecond} calls a second, delays rounded up to whole seconds
     * as SQS rounds them: once the first minute has passed, every 10 s window is granted at least 90% of what the
     * key allows until the backlog runs out, and the work in sight asks at most about {@code TARGET} times as often
     * (plus, for a line longer than work can be kept out of sight, its surplus spread over half the longest wait).
     */
    @Property(tries = 20)
    void keepsTheKeyBusyWithoutCyclingTheBacklog(
            @ForAll @IntRange(min = 1, max = 20) int perSecond,
            @ForAll @IntRange(min = 500, max = 3000) int backlog,
            @ForAll long seed) {
        Comeback lane = new Comeback(new SplittableRandom(seed));
        PriorityQueue<Long> returns = new PriorityQueue<>();
        for (int i = 0; i < backlog; i++) {
            returns.add(0L);
        }
        long tokens = 1000; // thousandths of a call
        long step = 100;
        int[] grantsPerTenSeconds = new int[100_000];
        int[] asksPerTenSeconds = new int[100_000];
        int[] leftAt = new int[100_000];
        long t = 0;
        int left = backlog;
        while (left > 0) {
            tokens = Math.min(perSecond * 1000L, tokens + perSecond * step);
            while (!returns.isEmpty() && returns.peek() <= t) {
                returns.poll();
                int bucket = (int) (t / 10_000);
                leftAt[bucket] = Math.max(leftAt[bucket], left);
                asksPerTenSeconds[bucket]++;
                lane.asked(t);
                if (tokens >= 1000) {
                    tokens -= 1000;
                    lane.granted();
                    grantsPerTenSeconds[bucket]++;
                    left--;
                } else {
                    long own = (1000 - tokens) / perSecond;
                    long wait = lane.retryAfter(Duration.ofMillis(own), t).toMillis();
                    returns.add(t + Math.max(1, (wait + 999) / 1000) * 1000);
                }
            }
            t += step;
        }
        int lastFull = (int) (t / 10_000) - 1;
        double longest = Comeback.LONGEST.toSeconds();
        for (int b = 6; b < lastFull; b++) {
            assertThat(grantsPerTenSeconds[b])
                    .as("grants in [%d s, %d s) at %d/s, backlog %d", b * 10, b * 10 + 10, perSecond, backlog)
                    .isGreaterThanOrEqualTo((int) (0.9 * perSecond * 10));
            assertThat(asksPerTenSeconds[b])
                    .as("asks in [%d s, %d s) at %d/s", b * 10, b * 10 + 10, perSecond)
                    .isLessThanOrEqualTo(
                            (int) (10 * (3 * Comeback.TARGET * perSecond + 2.0 * leftAt[b] / longest)) + 20);
        }
    }
}
