package dev.sluice.domain.model;

import java.util.List;

/**
 * What the finalizer enforces on a pipeline's answer before it is stored.
 *
 * @param redactPii replace e-mail addresses, phone numbers and card numbers with placeholders
 * @param maxOutputChars answers longer than this are cut at a word boundary and marked as truncated (0: no limit)
 * @param format {@code TEXT}, or {@code JSON} to require a JSON object
 * @param requiredFields top-level fields a JSON answer must have
 */
public record Guardrails(boolean redactPii, int maxOutputChars, OutputFormat format, List<String> requiredFields) {
    public static final Guardrails NONE = new Guardrails(false, 0, OutputFormat.TEXT, List.of());

    public Guardrails {
        if (maxOutputChars < 0) {
            throw new IllegalArgumentException("'maxOutputChars' must not be negative");
        }
        requiredFields = List.copyOf(requiredFields);
        if (format == OutputFormat.TEXT && !requiredFields.isEmpty()) {
            throw new IllegalArgumentException("'requiredFields' needs 'format: json'");
        }
    }

    /** How the answer is shaped. */
    public enum OutputFormat {
        TEXT,
        JSON
    }
}
