package dev.sluice.adapter.aws.eventbridge;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.TransientException;
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
                .detail(detail(event))
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

    /** The entry's detail: see {@link DomainJson#writeEventDetail}. */
    String detail(DomainEvent event) {
        return DomainJson.writeEventDetail(event, settings.maxTextChars());
    }
}
