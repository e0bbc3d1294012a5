package dev.sluice.domain.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline engine behaves around failures.
 *
 * @param lease how long one delivery of a hop owns it; must outlast a model call with its retries
 * @param maxAttempts deliveries of one hop that end in a transient failure before the job is failed
 * @param cacheTtl how long a completion is served from the cache ({@code 0}: no caching)
 * @param maxDeferral longest delay before a throttled hop is retried (SQS allows 900 s)
 */
public record EngineSettings(Duration lease, int maxAttempts, Duration cacheTtl, Duration maxDeferral) {
    public static final EngineSettings DEFAULTS =
            new EngineSettings(Duration.ofMinutes(2), 4, Duration.ofHours(24), Duration.ofSeconds(900));

    public EngineSettings {
        Objects.requireNonNull(lease, "'lease' must not be null");
        Objects.requireNonNull(cacheTtl, "'cacheTtl' must not be null");
        Objects.requireNonNull(maxDeferral, "'maxDeferral' must not be null");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("'lease' must be positive");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("'maxAttempts' must be at least 1");
        }
        if (maxDeferral.toSeconds() < 1 || maxDeferral.toSeconds() > 900) {
            throw new IllegalArgumentException("'maxDeferral' must be between 1 and 900 seconds");
        }
    }
}
