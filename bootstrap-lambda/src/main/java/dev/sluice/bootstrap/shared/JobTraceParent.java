package dev.sluice.bootstrap.shared;

import dev.sluice.adapter.aws.sqs.MessageTrace;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.QueueMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * The {@code traceparent} a job's message carries: the span that sends it when it belongs to the job's trace (a hop
 * sending the next one, or deferring itself), else the job's root span ({@link JobTraceIds}), as when the
 * dispatcher queues hop 0 or a retry re-sends a job.
 */
public final class JobTraceParent implements MessageTrace {
    @Override
    public Optional<String> traceparent(QueueMessage message) {
        SpanContext current = Span.current().getSpanContext();
        return switch (message) {
            case Envelope e -> {
                SpanContext parent = current.isValid() && current.getTraceId().equals(JobTraceIds.traceId(e.jobId()))
                        ? current
                        : JobTraceIds.root(e.jobId());
                yield Optional.of(format(parent));
            }
            default -> current.isValid() ? Optional.of(format(current)) : Optional.empty();
        };
    }

    static String format(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }
}
