package dev.sluice.adapter.llm.resilience;

import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.TransientException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One circuit breaker per provider and model ({@code ModelSpec.limiterKey()}), shared by every alias that names it.
 * Only transient failures count against a model: a throttle or a bad request says nothing about its health.
 */
public final class CircuitBreakers {
    private final CircuitBreakerRegistry registry;

    public CircuitBreakers(ResilienceSettings settings) {
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> e instanceof TransientException && !(e instanceof CircuitOpenException))
                .build());
    }

    public CircuitBreaker forKey(String key) {
        return registry.circuitBreaker(key);
    }
}
