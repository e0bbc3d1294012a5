package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;

/** A domain event in full: its {@code type}, whose it is and when, and the job or batch it is about. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DomainEventWire.JobCompletedWire.class, name = "job.completed"),
    @JsonSubTypes.Type(value = DomainEventWire.JobFailedWire.class, name = "job.failed"),
    @JsonSubTypes.Type(value = DomainEventWire.BatchCompletedWire.class, name = "batch.completed")
})
sealed interface DomainEventWire {
    static DomainEventWire from(DomainEvent event) {
        String correlationId = event.correlationId().value();
        String tenant = event.tenant().value();
        return switch (event) {
            case DomainEvent.JobCompleted e ->
                new JobCompletedWire(correlationId, tenant, e.at(), JobWire.from(e.job()));
            case DomainEvent.JobFailed e -> new JobFailedWire(correlationId, tenant, e.at(), JobWire.from(e.job()));
            case DomainEvent.BatchCompleted e ->
                new BatchCompletedWire(correlationId, tenant, e.at(), BatchWire.from(e.batch()));
        };
    }

    DomainEvent toDomain();

    private static CorrelationId correlation(String value) {
        return WireJson.build("event", () -> new CorrelationId(value));
    }

    private static TenantId tenant(String value) {
        return WireJson.build("event", () -> new TenantId(value));
    }

    record JobCompletedWire(
            @JsonProperty(required = true) String correlationId,
            @JsonProperty(required = true) String tenant,
            @JsonProperty(required = true) Instant at,
            @JsonProperty(required = true) JobWire job)
            implements DomainEventWire {
        @Override
        public DomainEvent toDomain() {
            return new DomainEvent.JobCompleted(
                    job.toDomain(), correlation(correlationId), DomainEventWire.tenant(tenant), at);
        }
    }

    record JobFailedWire(
            @JsonProperty(required = true) String correlationId,
            @JsonProperty(required = true) String tenant,
            @JsonProperty(required = true) Instant at,
            @JsonProperty(required = true) JobWire job)
            implements DomainEventWire {
        @Override
        public DomainEvent toDomain() {
            return new DomainEvent.JobFailed(
                    job.toDomain(), correlation(correlationId), DomainEventWire.tenant(tenant), at);
        }
    }

    record BatchCompletedWire(
            @JsonProperty(required = true) String correlationId,
            @JsonProperty(required = true) String tenant,
            @JsonProperty(required = true) Instant at,
            @JsonProperty(required = true) BatchWire batch)
            implements DomainEventWire {
        @Override
        public DomainEvent toDomain() {
            return new DomainEvent.BatchCompleted(
                    batch.toDomain(), correlation(correlationId), DomainEventWire.tenant(tenant), at);
        }
    }
}
