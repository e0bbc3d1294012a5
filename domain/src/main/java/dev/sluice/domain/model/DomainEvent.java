package dev.sluice.domain.model;

import java.time.Instant;

/** What sluice announces to the outside world (EventBridge in AWS). */
public sealed interface DomainEvent {
    CorrelationId correlationId();

    TenantId tenant();

    Instant at();

    /** The event's detail-type, e.g. {@code job.completed}. */
    String type();

    record JobCompleted(Job job, CorrelationId correlationId, TenantId tenant, Instant at) implements DomainEvent {
        public String type() {
            return "job.completed";
        }
    }

    record JobFailed(Job job, CorrelationId correlationId, TenantId tenant, Instant at) implements DomainEvent {
        public String type() {
            return "job.failed";
        }
    }

    record BatchCompleted(Batch batch, CorrelationId correlationId, TenantId tenant, Instant at)
            implements DomainEvent {
        public String type() {
            return "batch.completed";
        }
    }
}
