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
     * The providers with a batch API sluice speaks: OpenAI's Batch API and Anthropic's Message Batches. (Bedrock's batch
     * inference takes jobs of at least 100 records, each in its model family's own body, read from and written to S3
     * through a service role: not a route for a window of a few calls.)
     */
    public static final List<String> BATCH_PROVIDERS = List.of("openai", "anthropic");

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
