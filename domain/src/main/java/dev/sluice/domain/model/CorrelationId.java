package dev.sluice.domain.model;

import java.util.UUID;

/** One id that follows a request through every message, log line, metric, trace record and event. */
public record CorrelationId(String value) {
    public CorrelationId {
        Ids.require(value, "correlationId", 128);
    }

    public static CorrelationId random() {
        return new CorrelationId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
