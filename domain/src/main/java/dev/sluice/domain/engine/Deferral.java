package dev.sluice.domain.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a hop that may not run now comes back: the policy for a throttled or denied hop (after its retry-after) and
 * for one that met a transient failure (after a backoff that doubles with the attempts counted on the job). A jitter
 * of up to a fifth of the wait (at most 5 s) spreads the herd of hops that would otherwise all come back in the same
 * second; no delay is longer than the configured {@code maxDeferral} (SQS delays a message at most 15 minutes). The
 * delay is exact: the queue adapter rounds it up to what its queue can express, never down.
 */
final class Deferral {
    /** The shortest wait: a retry-after of zero still gives the limiter and the provider a second. */
    static final Duration SHORTEST = Duration.ofSeconds(1);

    private static final long MOST_JITTER_MILLIS = 5_000;
    private static final int MOST_DOUBLINGS = 9;

    private final Duration longest;
    private final RandomGenerator random;

    Deferral(Duration longest, RandomGenerator random) {
        this.longest = Objects.requireNonNull(longest, "'longest' must not be null");
        this.random = Objects.requireNonNull(random, "'random' must not be null");
    }

    /** The delay for a hop told to come back after {@code retryAfter}: never sooner, at most the longest. */
    Duration after(Duration retryAfter) {
        Duration base = retryAfter.compareTo(SHORTEST) < 0 ? SHORTEST : retryAfter;
        long jitter = random.nextLong(Math.min(base.toMillis() / 5, MOST_JITTER_MILLIS) + 1);
        Duration delay = base.plusMillis(jitter);
        return delay.compareTo(longest) > 0 ? longest : delay;
    }

    /** The delay before attempt {@code attempt + 1} of a hop whose attempt {@code attempt} failed transiently. */
    Duration backoff(int attempt) {
        return after(Duration.ofSeconds(1L << Math.clamp(attempt, 0, MOST_DOUBLINGS)));
    }
}
