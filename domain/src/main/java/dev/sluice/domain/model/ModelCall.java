package dev.sluice.domain.model;

import java.util.Objects;

/** One request to a language model: the model as configured, and the rendered prompts. */
public record ModelCall(ModelSpec model, String system, String prompt, CorrelationId correlationId) {
    public ModelCall {
        Objects.requireNonNull(model, "'model' must not be null");
        Objects.requireNonNull(system, "'system' must not be null");
        Objects.requireNonNull(prompt, "'prompt' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("'prompt' must not be blank");
        }
    }
}
