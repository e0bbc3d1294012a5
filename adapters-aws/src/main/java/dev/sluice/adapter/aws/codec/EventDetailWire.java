package dev.sluice.adapter.aws.codec;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Job;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code detail} of an event on EventBridge: what a subscriber acts on without calling back. Written only; a
 * result or failure reason longer than the bus allows is cut and flagged ({@code resultTruncated}).
 */
sealed interface EventDetailWire {
    static EventDetailWire from(DomainEvent event, int maxTextChars) {
        String tenant = event.tenant().value();
        String correlationId = event.correlationId().value();
        return switch (event) {
            case DomainEvent.JobCompleted e -> JobDetail.from(e.job(), maxTextChars, tenant, correlationId, e.at());
            case DomainEvent.JobFailed e -> JobDetail.from(e.job(), maxTextChars, tenant, correlationId, e.at());
            case DomainEvent.BatchCompleted e -> BatchDetail.from(e.batch(), tenant, correlationId, e.at());
        };
    }

    record JobDetail(
            String jobId,
            String pipeline,
            String status,
            String batchId,
            String result,
            Boolean resultTruncated,
            String failureReason,
            Boolean failureReasonTruncated,
            String cost,
            UsageWire tokens,
            int hops,
            Instant createdAt,
            Instant updatedAt,
            String tenant,
            String correlationId,
            Instant at)
            implements EventDetailWire {
        static JobDetail from(Job job, int maxTextChars, String tenant, String correlationId, Instant at) {
            Text result = Text.cut(job.result(), maxTextChars);
            Text reason = Text.cut(job.failureReason(), maxTextChars);
            return new JobDetail(
                    job.id().value(),
                    job.pipeline(),
                    job.status().name(),
                    job.batchId().map(BatchId::value).orElse(null),
                    result.text(),
                    result.truncated(),
                    reason.text(),
                    reason.truncated(),
                    job.totalCost().usd().toPlainString(),
                    UsageWire.from(job.totalUsage()),
                    job.hops().size(),
                    job.createdAt(),
                    job.updatedAt(),
                    tenant,
                    correlationId,
                    at);
        }
    }

    record BatchDetail(
            String batchId,
            String pipeline,
            String status,
            int total,
            int succeeded,
            int failed,
            Instant createdAt,
            String tenant,
            String correlationId,
            Instant at)
            implements EventDetailWire {
        static BatchDetail from(Batch batch, String tenant, String correlationId, Instant at) {
            return new BatchDetail(
                    batch.id().value(),
                    batch.pipeline(),
                    batch.failed() == 0 ? "SUCCEEDED" : "COMPLETED_WITH_FAILURES",
                    batch.total(),
                    batch.succeeded(),
                    batch.failed(),
                    batch.createdAt(),
                    tenant,
                    correlationId,
                    at);
        }
    }

    /** A text cut to at most {@code max} chars, never between the halves of a surrogate pair; both null if absent. */
    record Text(String text, Boolean truncated) {
        static Text cut(Optional<String> value, int max) {
            if (value.isEmpty()) {
                return new Text(null, null);
            }
            String text = value.get();
            if (text.length() <= max) {
                return new Text(text, false);
            }
            int end = max;
            // Half a character is invalid JSON text for some readers.
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            return new Text(text.substring(0, end), true);
        }
    }
}
