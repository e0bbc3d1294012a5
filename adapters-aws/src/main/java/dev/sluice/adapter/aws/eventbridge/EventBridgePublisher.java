package dev.sluice.adapter.aws.eventbridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.TransientException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@link EventPublisher} on an EventBridge bus: source {@code sluice}, detail-type {@link DomainEvent#type()}, and a
 * detail a subscriber can act on without calling back (job id, tenant, status, result or failure reason, correlation
 * id, cost, tokens). PutEvents can accept the call and still refuse the entry: that is a {@link TransientException}.
 */
public final class EventBridgePublisher implements EventPublisher {
    private final EventBridgeClient events;
    private final EventBridgeSettings settings;

    public EventBridgePublisher(EventBridgeClient events, EventBridgeSettings settings) {
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void publish(DomainEvent event) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(settings.busName())
                .source(settings.source())
                .detailType(event.type())
                .time(event.at())
                .detail(DomainJson.serialize(detail(event)))
                .build();
        PutEventsResponse response;
        try {
            response = events.putEvents(b -> b.entries(entry));
        } catch (SdkException e) {
            throw AwsFailures.classify("publish " + event.type() + " to " + settings.busName(), e);
        }
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            PutEventsResultEntry result = response.entries().isEmpty()
                    ? PutEventsResultEntry.builder().build()
                    : response.entries().getFirst();
            throw new TransientException(
                    "EventBridge refused " + event.type() + " for " + settings.busName() + ": " + result.errorCode()
                            + " " + result.errorMessage(),
                    null);
        }
    }

    ObjectNode detail(DomainEvent event) {
        ObjectNode detail = switch (event) {
            case DomainEvent.JobCompleted e -> job(e.job());
            case DomainEvent.JobFailed e -> job(e.job());
            case DomainEvent.BatchCompleted e -> batch(e.batch());
        };
        detail.put("tenant", event.tenant().value());
        detail.put("correlationId", event.correlationId().value());
        detail.put("at", event.at().toString());
        return detail;
    }

    private ObjectNode job(Job job) {
        ObjectNode detail = DomainJson.object();
        detail.put("jobId", job.id().value());
        detail.put("pipeline", job.pipeline());
        detail.put("status", job.status().name());
        job.batchId().ifPresent(b -> detail.put("batchId", b.value()));
        putText(detail, "result", job.result());
        putText(detail, "failureReason", job.failureReason());
        detail.put("cost", job.totalCost().usd().toPlainString());
        detail.set("tokens", DomainJson.usageNode(job.totalUsage()));
        detail.put("hops", job.hops().size());
        detail.put("createdAt", job.createdAt().toString());
        detail.put("updatedAt", job.updatedAt().toString());
        return detail;
    }

    private ObjectNode batch(Batch batch) {
        ObjectNode detail = DomainJson.object();
        detail.put("batchId", batch.id().value());
        detail.put("pipeline", batch.pipeline());
        detail.put("status", batch.failed() == 0 ? "SUCCEEDED" : "COMPLETED_WITH_FAILURES");
        detail.put("total", batch.total());
        detail.put("succeeded", batch.succeeded());
        detail.put("failed", batch.failed());
        detail.put("createdAt", batch.createdAt().toString());
        return detail;
    }

    private void putText(ObjectNode detail, String field, Optional<String> text) {
        if (text.isEmpty()) {
            return;
        }
        String value = text.get();
        boolean truncated = value.length() > settings.maxTextChars();
        if (truncated) {
            int end = settings.maxTextChars();
            // Never split a surrogate pair: half a character is invalid JSON text for some readers.
            if (Character.isHighSurrogate(value.charAt(end - 1))) {
                end--;
            }
            value = value.substring(0, end);
        }
        detail.put(field, value);
        detail.put(field + "Truncated", truncated);
    }
}
