package dev.sluice.adapter.llm.gemini;

import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage;
import dev.sluice.adapter.llm.internal.ChatModelAdapter;
import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.adapter.llm.internal.ProviderHttpClient;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;
import java.util.Optional;

/**
 * Google Gemini generateContent. Gemini puts its retry delay in the 429 body ({@code RetryInfo}), which the
 * classification reads. Built once; LangChain4j's own retries are off.
 */
public final class GeminiLanguageModel implements LanguageModel {
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private final ChatModelAdapter adapter;

    public GeminiLanguageModel(ModelSpec spec, Optional<String> apiKey, Duration timeout) {
        GoogleAiGeminiChatModel model = GoogleAiGeminiChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder())
                .baseUrl(spec.option("baseUrl").orElse(DEFAULT_BASE_URL))
                .apiKey(apiKey.orElse("none"))
                .modelName(spec.modelId())
                .temperature(spec.temperature())
                .maxOutputTokens(spec.maxOutputTokens())
                .timeout(timeout)
                .maxRetries(0)
                .build();
        this.adapter = new ChatModelAdapter(spec, model, GeminiLanguageModel::usage, HttpFailure::fromCauses);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }

    private static TokenUsage usage(dev.langchain4j.model.output.TokenUsage u) {
        long cached = u instanceof GoogleAiGeminiTokenUsage g ? ChatModelAdapter.count(g.cachedContentTokenCount()) : 0;
        return new TokenUsage(
                ChatModelAdapter.count(u.inputTokenCount()), ChatModelAdapter.count(u.outputTokenCount()), cached);
    }
}
