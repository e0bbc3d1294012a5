package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final long SECOND = 1_000_000_000L;
    private final RateWindow window = new RateWindow();

    @Test
    void requestsBeyondTheRpmWaitUntilTheOldestLeavesTheMinute() {
        assertThat(window.tryAdmit(0, 2, 0, 10).admitted()).isTrue();
        assertThat(window.tryAdmit(10 * SECOND, 2, 0, 10).admitted()).isTrue();

        RateWindow.Decision third = window.tryAdmit(15 * SECOND, 2, 0, 10);

        assertThat(third.admitted()).isFalse();
        assertThat(third.retryAfterSeconds()).isEqualTo(45);
        assertThat(third.remainingRequests()).isZero();
        assertThat(window.tryAdmit(60 * SECOND, 2, 0, 10).admitted()).isTrue();
    }

    @Test
    void tokensBeyondTheTpmWaitUntilEnoughHaveLeftTheMinute() {
        assertThat(window.tryAdmit(0, 0, 100, 60).admitted()).isTrue();
        assertThat(window.tryAdmit(20 * SECOND, 0, 100, 30).admitted()).isTrue();

        RateWindow.Decision over = window.tryAdmit(30 * SECOND, 0, 100, 50);

        assertThat(over.admitted()).isFalse();
        assertThat(over.retryAfterSeconds()).isEqualTo(30);
        assertThat(over.remainingTokens()).isEqualTo(10);
    }

    @Test
    void aSingleRequestLargerThanTheTpmIsAdmittedIntoAnEmptyWindow() {
        assertThat(window.tryAdmit(0, 0, 100, 500).admitted()).isTrue();
        assertThat(window.tryAdmit(SECOND, 0, 100, 1).admitted()).isFalse();
    }

    @Test
    void noLimitsAdmitEverything() {
        for (int i = 0; i < 1000; i++) {
            assertThat(window.tryAdmit(i, 0, 0, 1_000_000).admitted()).isTrue();
        }
    }
}
