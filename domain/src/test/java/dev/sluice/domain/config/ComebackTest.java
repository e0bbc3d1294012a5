package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait told to denied work settles where it returns about as fast as it can be admitted. */
class ComebackTest {
    /** Five seconds of a lane asking {@code asks} times for {@code grants} grants. */
    private static long window(Comeback lane, long at, int asks, int grants) {
        for (int i = 0; i < asks; i++) {
            lane.asked(at + i * (Comeback.WINDOW.toMillis() / Math.max(1, asks)));
            if (i < grants) {
                lane.granted();
            }
        }
        return at + Comeback.WINDOW.toMillis();
    }

    @Test
    void growsWhileAsksFarExceedGrantsOnceEachChangeHasShownAndShrinksWhenTheyDoNot() {
        Comeback lane = new Comeback();
        long t = 0;
        for (int w = 0; w < 4; w++) {
            t = window(lane, t, 100, 10);
        }
        Duration grown = lane.suggested();
        assertThat(grown).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        for (int w = 0; w < 4; w++) {
            t = window(lane, t, 100, 10);
        }
        assertThat(lane.suggested()).isGreaterThan(grown);
        Duration high = lane.suggested();
        t = window(lane, t, 10, 10);
        t = window(lane, t, 10, 10);
        lane.asked(t); // a window is weighed at the first ask after it
        assertThat(lane.suggested()).as("a grant for every ask").isLessThan(high);
        assertThat(lane.retryAfter(Duration.ofMillis(100))).isPositive();
    }

    @Test
    void neverLongerThanFiveMinutesAndNeverShorterThanTheLimitersOwnWait() {
        Comeback lane = new Comeback();
        long t = 0;
        for (int w = 0; w < 200; w++) {
            t = window(lane, t, 1000, 1);
        }
        assertThat(lane.suggested()).isEqualTo(Comeback.LONGEST);
        Comeback fresh = new Comeback();
        assertThat(fresh.retryAfter(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
}
