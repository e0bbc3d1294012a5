package dev.sluice.adapter.llm;

import dev.sluice.adapter.llm.anthropic.AnthropicLanguageModel;
import dev.sluice.adapter.llm.bedrock.BedrockLanguageModel;
import dev.sluice.adapter.llm.gemini.GeminiLanguageModel;
import dev.sluice.adapter.llm.ollama.OllamaLanguageModel;
import dev.sluice.adapter.llm.openai.OpenAiLanguageModel;
import dev.sluice.adapter.llm.resilience.CircuitBreakers;
import dev.sluice.adapter.llm.resilience.ResilienceSettings;
import dev.sluice.adapter.llm.resilience.ResilientLanguageModel;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Builds the one {@link LanguageModel} a function uses: every configured alias, its client built once, at init. */
public final class LanguageModels {
    private LanguageModels() {}

    /**
     * @param secretValueByName reads a secret by the name given in a model's {@code apiKeySecret} option
     * @throws IllegalArgumentException when a provider is unknown or a named secret cannot be read
     */
    public static LanguageModel create(
            Collection<ModelSpec> models,
            Function<String, Optional<String>> secretValueByName,
            ResilienceSettings settings) {
        CircuitBreakers breakers = new CircuitBreakers(settings);
        Map<String, LanguageModel> byAlias = new LinkedHashMap<>();
        for (ModelSpec spec : models) {
            LanguageModel client = client(spec, apiKey(spec, secretValueByName), settings.callTimeout());
            byAlias.put(
                    spec.alias(),
                    new ResilientLanguageModel(
                            spec.alias() + " (" + spec.limiterKey() + ")",
                            client,
                            breakers.forKey(spec.limiterKey()),
                            settings));
        }
        return new RoutingLanguageModel(byAlias);
    }

    /** The provider's adapter alone, without retries or breaker. */
    public static LanguageModel client(ModelSpec spec, Optional<String> apiKey, Duration timeout) {
        return switch (spec.provider()) {
            case "openai" -> new OpenAiLanguageModel(spec, apiKey, timeout);
            case "openai-compatible" -> {
                if (spec.option("baseUrl").isEmpty()) {
                    throw new IllegalArgumentException(
                            "model '" + spec.alias() + "': provider openai-compatible needs a 'baseUrl' option");
                }
                yield new OpenAiLanguageModel(spec, apiKey, timeout);
            }
            case "anthropic" -> new AnthropicLanguageModel(spec, apiKey, timeout);
            case "bedrock" -> new BedrockLanguageModel(spec, timeout);
            case "gemini" -> new GeminiLanguageModel(spec, apiKey, timeout);
            case "ollama" -> new OllamaLanguageModel(spec, timeout);
            default ->
                throw new IllegalArgumentException("model '" + spec.alias() + "': unknown provider '" + spec.provider()
                        + "', expected one of " + ModelSpec.PROVIDERS);
        };
    }

    private static Optional<String> apiKey(ModelSpec spec, Function<String, Optional<String>> secrets) {
        Optional<String> name = spec.option("apiKeySecret");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(secrets.apply(name.get())
                .orElseThrow(() -> new IllegalArgumentException(
                        "model '" + spec.alias() + "': secret '" + name.get() + "' was not found")));
    }
}
