package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * A batch and its counters, as a {@code batch.completed} event carries it. The items' fingerprint is not on the
 * wire (it only guards a retried submission, in the job table).
 */
record BatchWire(
        @JsonProperty(required = true) String batchId,
        @JsonProperty(required = true) String tenant,
        @JsonProperty(required = true) String pipeline,
        List<String> jobs,
        @JsonProperty(required = true) int succeeded,
        @JsonProperty(required = true) int failed,
        @JsonProperty(required = true) String correlationId,
        @JsonProperty(required = true) Instant createdAt) {
    static BatchWire from(Batch b) {
        return new BatchWire(
                b.id().value(),
                b.tenant().value(),
                b.pipeline(),
                b.jobs().stream().map(JobId::value).toList(),
                b.succeeded(),
                b.failed(),
                b.correlationId().value(),
                b.createdAt());
    }

    Batch toDomain() {
        return WireJson.build(
                "batch",
                () -> new Batch(
                        new BatchId(batchId),
                        new TenantId(tenant),
                        pipeline,
                        WireJson.orEmpty(jobs).stream().map(JobId::new).toList(),
                        succeeded,
                        failed,
                        new CorrelationId(correlationId),
                        createdAt));
    }
}
