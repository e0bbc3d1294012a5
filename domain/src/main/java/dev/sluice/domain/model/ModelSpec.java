package dev.sluice.domain.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model alias as configured: which provider and model it means, how to call it, what it may use and cost,
 * and which aliases to try when it is down.
 *
 * @param provider {@code openai}, {@code anthropic}, {@code bedrock}, {@code gemini}, {@code ollama} or
 *     {@code openai-compatible}
 * @param batch how the model takes work that can wait, if it does
 * @param options provider settings such as {@code baseUrl}, {@code region}, {@code apiKeySecret} (a secret's name,
 *     never a key)
 */
public record ModelSpec(
        String alias,
        String provider,
        String modelId,
        double temperature,
        int maxOutputTokens,
        RateLimits limits,
        Prices prices,
        List<String> fallbacks,
        Map<String, String> options,
        Optional<BatchRoute> batch) {

    /**
     * The providers with a batch API sluice speaks: OpenAI's Batch API, Anthropic's Message Batches and Bedrock's batch
     * inference (model invocation jobs, S3 input and output).
     */
    public static final List<String> BATCH_PROVIDERS = List.of("openai", "anthropic", "bedrock");

    /**
     * The Bedrock model families whose InvokeModel body sluice writes into a batch inference record: Anthropic's Claude,
     * Amazon's Nova and Meta's Llama (a model id, or an inference profile id, naming one of them).
     */
    public static final List<String> BEDROCK_BATCH_FAMILIES = List.of("anthropic.", "amazon.nova", "meta.");

    /** Whether this model has a batch API sluice can send its calls to. */
    public boolean batchable() {
        return switch (provider) {
            case "openai", "anthropic" -> true;
            case "bedrock" ->
                BEDROCK_BATCH_FAMILIES.stream().anyMatch(modelId.toLowerCase(java.util.Locale.ROOT)::contains);
            default -> false;
        };
    }

    public static final List<String> PROVIDERS =
            List.of("openai", "anthropic", "bedrock", "gemini", "ollama", "openai-compatible");

    public ModelSpec {
        Objects.requireNonNull(alias, "'alias' must not be null");
        Objects.requireNonNull(provider, "'provider' must not be null");
        Objects.requireNonNull(modelId, "'modelId' must not be null");
        Objects.requireNonNull(limits, "'limits' must not be null");
        Objects.requireNonNull(prices, "'prices' must not be null");
        fallbacks = List.copyOf(fallbacks);
        options = Map.copyOf(options);
        Objects.requireNonNull(batch, "'batch' must not be null");
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("'maxOutputTokens' must be at least 1");
        }
    }

    /** A model with no batch route: every call is a live one. */
    public ModelSpec(
            String alias,
            String provider,
            String modelId,
            double temperature,
            int maxOutputTokens,
            RateLimits limits,
            Prices prices,
            List<String> fallbacks,
            Map<String, String> options) {
        this(
                alias,
                provider,
                modelId,
                temperature,
                maxOutputTokens,
                limits,
                prices,
                fallbacks,
                options,
                Optional.empty());
    }

    /** The key under which this model's provider limits are counted: one bucket per provider and model id. */
    public String limiterKey() {
        return provider + ":" + modelId + option("account").map(a -> ":" + a).orElse("");
    }

    /** This spec with option {@code name} set to {@code value} unless it is configured already. */
    public ModelSpec withDefaultOption(String name, String value) {
        if (options.containsKey(name)) {
            return this;
        }
        Map<String, String> more = new java.util.LinkedHashMap<>(options);
        more.put(name, value);
        return new ModelSpec(
                alias, provider, modelId, temperature, maxOutputTokens, limits, prices, fallbacks, more, batch);
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
