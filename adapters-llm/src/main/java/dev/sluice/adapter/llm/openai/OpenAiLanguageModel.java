package dev.sluice.adapter.llm.openai;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.sluice.adapter.llm.internal.ChatModelAdapter;
import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.adapter.llm.internal.ProviderHttpClient;
import dev.sluice.adapter.llm.internal.ReportedLimits;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;
import java.util.Optional;

/**
 * OpenAI chat completions, or any OpenAI-compatible server (Azure OpenAI, vLLM, LM Studio) through the
 * {@code baseUrl} option. Answers and 429s carry the account's limits from {@code x-ratelimit-limit-requests} and
 * {@code x-ratelimit-limit-tokens} where the server sends them. Built once; LangChain4j's own retries are off.
 */
public final class OpenAiLanguageModel implements LanguageModel {
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final ChatModelAdapter adapter;

    /**
     * @param apiKey the key itself (already read from its secret); OpenAI-compatible servers may need none
     * @param timeout the longest one HTTP exchange may take
     */
    public OpenAiLanguageModel(ModelSpec spec, Optional<String> apiKey, Duration timeout) {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder())
                .baseUrl(spec.option("baseUrl").orElse(DEFAULT_BASE_URL))
                .apiKey(apiKey.orElse("none"))
                .modelName(spec.modelId())
                .temperature(spec.temperature())
                .maxTokens(spec.maxOutputTokens())
                .timeout(timeout)
                .maxRetries(0)
                .build();
        this.adapter = new ChatModelAdapter(
                spec, model, OpenAiLanguageModel::usage, HttpFailure::fromCauses, ReportedLimits::openAi);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }

    private static TokenUsage usage(dev.langchain4j.model.output.TokenUsage u) {
        long cached = 0;
        if (u instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null) {
            cached = ChatModelAdapter.count(openAi.inputTokensDetails().cachedTokens());
        }
        return new TokenUsage(
                ChatModelAdapter.count(u.inputTokenCount()), ChatModelAdapter.count(u.outputTokenCount()), cached);
    }
}
