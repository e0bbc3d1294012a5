package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The token bucket's and the per-second window's edge cases, on nanosecond readings. */
class RateCountersTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aTokenBucketStartsFullAndRefillsContinuously() {
        TokenBucket bucket = new TokenBucket();
        for (int i = 0; i < 6; i++) {
            assertThat(bucket.tryAdmit(0, 6, 0, 1).admitted()).isTrue();
        }

        RateCounter.Decision refused = bucket.tryAdmit(SECOND, 6, 0, 1);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.remainingRequests()).isZero();
        assertThat(refused.resetNanos()).isEqualTo(9 * SECOND);
        assertThat(refused.retryAfterSeconds()).isEqualTo(9);
        RateCounter.Decision admitted = bucket.tryAdmit(10 * SECOND, 6, 0, 1);
        assertThat(admitted.admitted()).isTrue();
        assertThat(admitted.resetNanos()).as("until full again").isEqualTo(60 * SECOND);
    }

    @Test
    void aTokenBucketNeverHoldsMoreThanItsCapacity() {
        TokenBucket bucket = new TokenBucket();
        bucket.tryAdmit(0, 2, 0, 1);

        for (int i = 0; i < 2; i++) {
            assertThat(bucket.tryAdmit(3600 * SECOND, 2, 0, 1).admitted()).isTrue();
        }
        assertThat(bucket.tryAdmit(3600 * SECOND, 2, 0, 1).admitted()).isFalse();
    }

    @Test
    void aRequestLargerThanTheTokenBucketIsAdmittedWhenItIsFullAndEmptiesIt() {
        TokenBucket bucket = new TokenBucket();

        assertThat(bucket.tryAdmit(0, 0, 100, 500).admitted()).isTrue();
        RateCounter.Decision next = bucket.tryAdmit(0, 0, 100, 10);

        assertThat(next.admitted()).isFalse();
        assertThat(next.remainingTokens()).isZero();
        assertThat(next.resetNanos()).isEqualTo(6 * SECOND);
    }

    @Test
    void aPerSecondWindowAllowsAtLeastOneRequestASecond() {
        PerSecondWindow window = new PerSecondWindow();

        assertThat(window.tryAdmit(0, 1, 0, 1).admitted()).isTrue();
        RateCounter.Decision refused = window.tryAdmit(SECOND / 4, 1, 0, 1);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetNanos()).isEqualTo(3 * SECOND / 4);
        assertThat(window.tryAdmit(SECOND, 1, 0, 1).admitted()).isTrue();
    }

    @Test
    void aPerSecondWindowCountsAReadingTakenBeforeTheLastOneInTheLastOnesSecond() {
        PerSecondWindow window = new PerSecondWindow();
        assertThat(window.tryAdmit(SECOND, 60, 0, 1).admitted()).isTrue();

        assertThat(window.tryAdmit(SECOND - 1, 60, 0, 1).admitted()).isFalse();
    }
}
