package dev.sluice.domain.service;

import static dev.sluice.domain.usecase.InvalidInputException.invalid;
import static dev.sluice.domain.usecase.InvalidInputException.tooLarge;

import dev.sluice.domain.config.InputLimits;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Checks a submitted input against the pipeline and the configured limits; each refusal names its field. */
final class InputValidator {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:/=+-]+");

    private final SluiceConfig config;

    InputValidator(SluiceConfig config) {
        this.config = config;
    }

    Pipeline pipeline(String name) {
        return config.pipeline(name)
                .orElseThrow(() -> invalid(
                        "pipeline",
                        "unknown pipeline '" + name + "' (known: "
                                + String.join(
                                        ", ", new TreeSet<>(config.pipelines().keySet())) + ")"));
    }

    void input(Pipeline pipeline, Map<String, String> input, String prefix) {
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

    void idempotencyKey(Optional<String> key) {
        if (key.isEmpty()) {
            return;
        }
        String k = key.get();
        int max = config.inputLimits().maxIdempotencyKeyChars();
        if (k.isEmpty() || k.length() > max || !KEY.matcher(k).matches()) {
            throw invalid("idempotencyKey", "must be 1 to " + max + " characters of letters, digits and . _ : / = + -");
        }
    }
}
