package dev.sluice.domain.port;

import dev.sluice.domain.model.DomainEvent;

/**
 * Announces job and batch outcomes (EventBridge in AWS). At least once: subscribers dedupe by job id.
 * Failures: {@link TransientException}.
 */
public interface EventPublisher {
    void publish(DomainEvent event);
}
