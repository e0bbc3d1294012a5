package dev.sluice.bootstrap.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One span of a job's distributed trace, as the console's job page draws it. */
public record Span(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        Instant start,
        Duration duration,
        boolean error,
        Map<String, String> attributes,
        List<String> events) {
    public Span {
        attributes = Map.copyOf(attributes);
        events = List.copyOf(events);
    }
}
