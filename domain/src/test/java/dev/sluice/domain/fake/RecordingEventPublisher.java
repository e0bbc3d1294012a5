package dev.sluice.domain.fake;

import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.port.EventPublisher;
import java.util.ArrayList;
import java.util.List;

/** Keeps every published event. */
public final class RecordingEventPublisher implements EventPublisher {
    private final List<DomainEvent> events = new ArrayList<>();

    @Override
    public synchronized void publish(DomainEvent event) {
        events.add(event);
    }

    public synchronized List<DomainEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<String> types() {
        return events.stream().map(DomainEvent::type).toList();
    }
}
