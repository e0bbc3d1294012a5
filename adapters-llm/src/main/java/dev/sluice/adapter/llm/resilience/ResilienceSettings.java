package dev.sluice.adapter.llm.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How model calls are retried, timed and cut off. Retries are for transient failures only, with exponential backoff
 * and jitter, and start no new attempt once {@code retryBudget} has passed since the first, so a call ends within
 * about {@code retryBudget + callTimeout}: keep that well under the function's timeout.
 *
 * @param maxAttempts attempts in all, the first included
 * @param jitter randomisation factor of each backoff, 0..1
 * @param callTimeout the time limit of one attempt (also the HTTP read timeout)
 * @param breakerWindow calls the circuit breaker looks back on, per provider and model
 * @param breakerMinimumCalls calls needed in the window before the breaker may open
 * @param breakerFailureRate percentage of transient failures in the window that opens the breaker
 * @param breakerOpenFor how long an open breaker refuses calls before letting a few through to probe
 */
public record ResilienceSettings(
        int maxAttempts,
        Duration initialBackoff,
        double backoffMultiplier,
        double jitter,
        Duration maxBackoff,
        Duration retryBudget,
        Duration callTimeout,
        int breakerWindow,
        int breakerMinimumCalls,
        float breakerFailureRate,
        Duration breakerOpenFor) {

    public static final ResilienceSettings DEFAULTS = new ResilienceSettings(
            3,
            Duration.ofMillis(250),
            2.0,
            0.5,
            Duration.ofSeconds(4),
            Duration.ofSeconds(20),
            Duration.ofSeconds(45),
            20,
            10,
            50f,
            Duration.ofSeconds(30));

    public ResilienceSettings {
        Objects.requireNonNull(initialBackoff, "'initialBackoff' must not be null");
        Objects.requireNonNull(maxBackoff, "'maxBackoff' must not be null");
        Objects.requireNonNull(retryBudget, "'retryBudget' must not be null");
        Objects.requireNonNull(callTimeout, "'callTimeout' must not be null");
        Objects.requireNonNull(breakerOpenFor, "'breakerOpenFor' must not be null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("'maxAttempts' must be at least 1");
        }
        if (backoffMultiplier < 1) {
            throw new IllegalArgumentException("'backoffMultiplier' must be at least 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("'jitter' must be in [0, 1)");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("'initialBackoff' must be positive and not above 'maxBackoff'");
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("'callTimeout' must be positive");
        }
        if (breakerWindow < 1 || breakerMinimumCalls < 1) {
            throw new IllegalArgumentException("'breakerWindow' and 'breakerMinimumCalls' must be at least 1");
        }
        if (breakerFailureRate <= 0 || breakerFailureRate > 100) {
            throw new IllegalArgumentException("'breakerFailureRate' must be in (0, 100]");
        }
    }

    public ResilienceSettings withCallTimeout(Duration value) {
        return new ResilienceSettings(
                maxAttempts,
                initialBackoff,
                backoffMultiplier,
                jitter,
                maxBackoff,
                retryBudget,
                value,
                breakerWindow,
                breakerMinimumCalls,
                breakerFailureRate,
                breakerOpenFor);
    }

    public ResilienceSettings withRetries(int attempts, Duration initial, Duration max, Duration budget) {
        return new ResilienceSettings(
                attempts,
                initial,
                backoffMultiplier,
                jitter,
                max,
                budget,
                callTimeout,
                breakerWindow,
                breakerMinimumCalls,
                breakerFailureRate,
                breakerOpenFor);
    }

    public ResilienceSettings withBreaker(int window, int minimumCalls, float failureRate, Duration openFor) {
        return new ResilienceSettings(
                maxAttempts,
                initialBackoff,
                backoffMultiplier,
                jitter,
                maxBackoff,
                retryBudget,
                callTimeout,
                window,
                minimumCalls,
                failureRate,
                openFor);
    }
}
