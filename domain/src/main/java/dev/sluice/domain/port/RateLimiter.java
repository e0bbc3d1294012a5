package dev.sluice.domain.port;

import dev.sluice.domain.config.TenantPolicy;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Admission control against a provider's per-minute limits, shared by every consumer of a deployment.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li><b>Smooth.</b> Grants are paced evenly: over ANY interval of length L, the requests (and tokens, as
 *       estimated) whose {@link Permit#notBefore} falls in it never exceed {@code limit x L / 60s} plus the burst
 *       ({@code limit x burst / 60s}, plus one request or the largest single estimate), however many threads and
 *       processes ask at once.
 *   <li><b>Short waits, honest denials.</b> A grant may ask its holder to wait until {@code notBefore}, never longer
 *       than {@link #maxWait()}; a denial's retry-after is when a request of the same size could be granted.
 *   <li><b>Fair.</b> Tenants competing for one key share it by {@link TenantPolicy#weight()}; a tenant arriving at
 *       a busy key is granted within {@link #maxWait()}; {@link Priority#INTERACTIVE} work is granted before
 *       {@link Priority#BATCH} work of the same tenant; a tenant's {@link TenantPolicy#quota()} caps it alone.
 *   <li><b>Self-correcting.</b> {@link #observe} with a refusal lowers the pace of every client of the key, which
 *       recovers carefully while refusals stop; limits the provider reports cap the configured ones.
 * </ul>
 *
 * {@link #settle} replaces the estimate with the real usage: unused tokens are given back, extra ones charged.
 * Failures: {@link TransientException}.
 */
public interface RateLimiter {

    Admission tryAcquire(Ask ask);

    void settle(Permit permit, TokenUsage actual);

    /** What the provider said about a key: a refusal, or the account's limits reported with an answer. */
    void observe(String key, RateLimits configured, Signal signal);

    /** The longest a grant asks its holder to wait. */
    Duration maxWait();

    /** One model call asking for admission. */
    record Ask(
            String key,
            RateLimits limits,
            TokenUsage estimate,
            TenantId tenant,
            TenantPolicy policy,
            Priority priority) {
        public Ask {
            Objects.requireNonNull(key, "'key' must not be null");
            Objects.requireNonNull(limits, "'limits' must not be null");
            Objects.requireNonNull(estimate, "'estimate' must not be null");
            Objects.requireNonNull(tenant, "'tenant' must not be null");
            Objects.requireNonNull(policy, "'policy' must not be null");
            Objects.requireNonNull(priority, "'priority' must not be null");
        }
    }

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

    /**
     * A grant: the call may start at {@code notBefore}. {@code charges} are what it took from each pace it was
     * admitted by (the key's, and the tenant's quota where one is set), so that {@link #settle} can give back or
     * charge the difference.
     */
    record Permit(String key, Instant notBefore, TokenUsage reserved, List<Charge> charges) {
        public Permit {
            Objects.requireNonNull(key, "'key' must not be null");
            Objects.requireNonNull(notBefore, "'notBefore' must not be null");
            Objects.requireNonNull(reserved, "'reserved' must not be null");
            charges = List.copyOf(charges);
        }
    }

    /**
     * Microseconds of {@code key}'s clock taken at the pace of {@code limits} (the effective ones at the time), on
     * behalf of {@code tenant} (empty where the key does not share between tenants).
     */
    record Charge(String key, String tenant, RateLimits limits, long micros) {
        public Charge {
            Objects.requireNonNull(key, "'key' must not be null");
            Objects.requireNonNull(tenant, "'tenant' must not be null");
            Objects.requireNonNull(limits, "'limits' must not be null");
        }
    }

    /** What a provider said. */
    sealed interface Signal {
        /** A 429 (or the provider's throttling error): no client starts a call on the key before its retry-after. */
        record Refused(Duration retryAfter) implements Signal {}

        /** Limits stated with an answer or a refusal. */
        record Reported(ProviderLimits limits) implements Signal {}
    }
}
