package dev.sluice.adapter.llm.anthropic;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
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
 * Anthropic messages. Answers and 429s carry the account's limits from the {@code anthropic-ratelimit-*-limit}
 * headers (requests, tokens, input and output tokens). Built once; LangChain4j's own retries are off.
 */
public final class AnthropicLanguageModel implements LanguageModel {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1/";

    private final ChatModelAdapter adapter;

    public AnthropicLanguageModel(ModelSpec spec, Optional<String> apiKey, Duration timeout) {
        AnthropicChatModel model = AnthropicChatModel.builder()
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
                spec, model, AnthropicLanguageModel::usage, HttpFailure::fromCauses, ReportedLimits::anthropic);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }

    /** Anthropic's {@code input_tokens} leaves out cache reads and writes; the domain counts all input. */
    private static TokenUsage usage(dev.langchain4j.model.output.TokenUsage u) {
        long read = 0;
        long written = 0;
        if (u instanceof AnthropicTokenUsage a) {
            read = ChatModelAdapter.count(a.cacheReadInputTokens());
            written = ChatModelAdapter.count(a.cacheCreationInputTokens());
        }
        return new TokenUsage(
                ChatModelAdapter.count(u.inputTokenCount()) + read + written,
                ChatModelAdapter.count(u.outputTokenCount()),
                read);
    }
}
