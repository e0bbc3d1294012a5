package dev.sluice.domain.port;

import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Admission control against a provider's per-minute limits, shared by every consumer of a deployment.
 *
 * <p>Contract: within one minute window, the requests and tokens granted under one key never exceed its limits,
 * however many threads and processes ask at once. A denial carries a retry-after after which a request of the
 * same size can be granted (at most the time to the next window). {@link #settle} replaces the estimate with the
 * real usage: unused tokens go back to the window they were taken from (if it is still current), extra ones are
 * charged. Failures: {@link TransientException}.
 */
public interface RateLimiter {

    Admission tryAcquire(String key, RateLimits limits, TokenUsage estimate);

    void settle(Permit permit, TokenUsage actual);

    /** Outcome of {@link #tryAcquire}. */
    sealed interface Admission {
        record Granted(Permit permit) implements Admission {}

        record Denied(Duration retryAfter, String reason) implements Admission {
            public Denied {
                Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
                if (retryAfter.isNegative() || retryAfter.isZero()) {
                    throw new IllegalArgumentException("'retryAfter' must be positive");
                }
            }
        }
    }

    /** A grant: what was reserved, under which key, in which window. */
    record Permit(String key, Instant window, TokenUsage reserved) {
        public Permit {
            Objects.requireNonNull(key, "'key' must not be null");
            Objects.requireNonNull(window, "'window' must not be null");
            Objects.requireNonNull(reserved, "'reserved' must not be null");
        }
    }
}
