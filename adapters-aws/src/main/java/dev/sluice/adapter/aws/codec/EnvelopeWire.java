package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;
import java.util.Optional;

/** One hop of one job, as it waits on the work queue. */
record EnvelopeWire(
        @JsonProperty(required = true) String jobId,
        @JsonProperty(required = true) String tenant,
        @JsonProperty(required = true) String correlationId,
        @JsonProperty(required = true) String pipeline,
        @JsonProperty(required = true) int hop,
        @JsonProperty(required = true) int attempt,
        Instant deadline,
        String parkedOn)
        implements QueueMessageWire {
    static EnvelopeWire from(Envelope e) {
        return new EnvelopeWire(
                e.jobId().value(),
                e.tenant().value(),
                e.correlationId().value(),
                e.pipeline(),
                e.hop(),
                e.attempt(),
                e.deadline().orElse(null),
                e.parkedOn().orElse(null));
    }

    @Override
    public Envelope toDomain() {
        return WireJson.build(
                "envelope",
                () -> new Envelope(
                        new JobId(jobId),
                        new TenantId(tenant),
                        new CorrelationId(correlationId),
                        pipeline,
                        hop,
                        attempt,
                        Optional.ofNullable(deadline),
                        Optional.ofNullable(parkedOn)));
    }
}
