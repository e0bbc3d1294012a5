package dev.sluice.domain.jobs;

import static dev.sluice.domain.usecase.InvalidInputException.invalid;
import static dev.sluice.domain.usecase.InvalidInputException.tooLarge;

import dev.sluice.domain.config.InputLimits;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.WireText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks what a client submits against the pipeline, the configured limits and what the services downstream accept
 * ({@link WireText}); each refusal names its field. Every way in (a job, a batch, documents, an event) goes through
 * here, so nothing is recorded that a queue or an embedder would refuse later.
 */
public final class InputValidator {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:/=+-]+");

    /** Document ids become index terms and object keys; Lucene refuses terms over 32766 bytes, keys past 1024. */
    public static final int MAX_ID_BYTES = 512;

    private final SluiceConfig config;

    public InputValidator(SluiceConfig config) {
        this.config = config;
    }

    public Pipeline pipeline(String name) {
        return config.pipeline(name)
                .orElseThrow(() -> invalid(
                        "pipeline",
                        "unknown pipeline '" + name + "' (known: "
                                + String.join(
                                        ", ", new TreeSet<>(config.pipelines().keySet())) + ")"));
    }

    public void input(Pipeline pipeline, Map<String, String> input, String prefix) {
        InputLimits limits = config.inputLimits();
        if (input.size() > limits.maxFields()) {
            throw tooLarge(prefix, "has " + input.size() + " fields; the limit is " + limits.maxFields());
        }
        long bytes = 0;
        for (Map.Entry<String, String> field : input.entrySet()) {
            String path = prefix + "." + field.getKey();
            if (!pipeline.inputs().contains(field.getKey())) {
                throw invalid(
                        path,
                        "pipeline '" + pipeline.name() + "' takes no field '" + field.getKey() + "' (its inputs: "
                                + String.join(", ", pipeline.inputs()) + ")");
            }
            if (field.getValue().length() > limits.maxFieldChars()) {
                throw tooLarge(
                        path,
                        "is " + field.getValue().length() + " characters long; the limit is " + limits.maxFieldChars());
            }
            text(path, field.getValue());
            bytes += field.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > limits.maxInputBytes()) {
            throw tooLarge(prefix, "is " + bytes + " bytes; the limit is " + limits.maxInputBytes());
        }
        for (String required : pipeline.inputs()) {
            String value = input.get(required);
            if (value == null || value.isBlank()) {
                throw invalid(prefix + "." + required, "is required by pipeline '" + pipeline.name() + "'");
            }
        }
    }

    /**
     * A job's deadline is ahead, and within {@link #LONGEST_DEADLINE}: a message waits in SQS for at most 14 days, so a
     * job could not wait longer anyway.
     */
    public void deadline(Optional<java.time.Instant> deadline, java.time.Instant now) {
        if (deadline.isEmpty()) {
            return;
        }
        if (!deadline.get().isAfter(now)) {
            throw invalid("deadline", "has passed (" + deadline.get() + "; it is " + now + ")");
        }
        if (deadline.get().isAfter(now.plus(LONGEST_DEADLINE))) {
            throw invalid(
                    "deadline", "must be within " + LONGEST_DEADLINE.toDays() + " days (got " + deadline.get() + ")");
        }
    }

    /** The furthest a job's deadline may be. */
    public static final java.time.Duration LONGEST_DEADLINE = java.time.Duration.ofDays(14);

    public void idempotencyKey(Optional<String> key) {
        if (key.isEmpty()) {
            return;
        }
        String k = key.get();
        int max = config.inputLimits().maxIdempotencyKeyChars();
        if (k.isEmpty() || k.length() > max || !KEY.matcher(k).matches()) {
            throw invalid("idempotencyKey", "must be 1 to " + max + " characters of letters, digits and . _ : / = + -");
        }
    }

    /** Refuses text a queue or an embedder downstream would refuse. */
    public void text(String path, String value) {
        WireText.problem(value).ifPresent(problem -> {
            throw invalid(path, problem);
        });
    }

    /** A caller's id for a document (to ingest or to delete): short, and carried as it is. */
    public void documentId(String path, String id) {
        if (id.isBlank()) {
            throw invalid(path, "must be a non-empty string");
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            throw invalid(path, "is " + bytes + " bytes (UTF-8); the limit is " + MAX_ID_BYTES);
        }
        text(path, id);
    }

    /** Id, text and metadata of one document; size and content type are the ingestion's own rules. */
    public void document(String path, Document document) {
        documentId(path + ".id", document.id());
        text(path + ".text", document.text());
        document.metadata().forEach((key, value) -> {
            text(path + ".metadata", key);
            text(path + ".metadata." + key, value);
        });
    }
}
