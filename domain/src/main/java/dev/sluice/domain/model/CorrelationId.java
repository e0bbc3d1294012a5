package dev.sluice.domain.model;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One id that follows a request through every message, log line, metric, trace record and event. It travels as an
 * SQS message attribute and in log lines, so it is 1 to 128 characters of letters, digits and {@code . _ : / = + -}.
 */
public record CorrelationId(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/=+-]{1," + MAX_LENGTH + "}");

    public CorrelationId {
        Ids.require(value, "correlationId", MAX_LENGTH);
        problem(value).ifPresent(p -> {
            throw new IllegalArgumentException("'correlationId' " + p);
        });
    }

    /** Why {@code value} cannot be a correlation id, for a message to the caller; empty if it can. */
    public static Optional<String> problem(String value) {
        if (SAFE.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of("must be 1 to " + MAX_LENGTH + " characters of letters, digits and . _ : / = + -"
                + (value.length() > MAX_LENGTH ? " (got " + value.length() + " characters)" : ""));
    }

    public static CorrelationId random() {
        return new CorrelationId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
