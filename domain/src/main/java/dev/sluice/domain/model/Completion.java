package dev.sluice.domain.model;

import java.util.Objects;

/**
 * A model's answer.
 *
 * @param modelId the model that actually answered, as the provider reported it
 * @param finishReason {@code stop}, {@code length}, {@code content_filter}, ... as the provider reported it
 * @param raw the provider's response body where the adapter has it, for the trace (may be empty)
 * @param reported the account's limits as the provider stated them with this answer ({@link ProviderLimits#NONE}
 *     when it did not, and for answers read from the cache)
 */
public record Completion(
        String text, TokenUsage usage, String modelId, String finishReason, String raw, ProviderLimits reported) {
    public Completion {
        Objects.requireNonNull(text, "'text' must not be null");
        Objects.requireNonNull(usage, "'usage' must not be null");
        Objects.requireNonNull(modelId, "'modelId' must not be null");
        Objects.requireNonNull(finishReason, "'finishReason' must not be null");
        Objects.requireNonNull(raw, "'raw' must not be null");
        Objects.requireNonNull(reported, "'reported' must not be null");
    }

    public Completion(String text, TokenUsage usage, String modelId, String finishReason, String raw) {
        this(text, usage, modelId, finishReason, raw, ProviderLimits.NONE);
    }
}
