package dev.sluice.adapter.llm.ollama;

import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.sluice.adapter.llm.internal.ChatModelAdapter;
import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.adapter.llm.internal.ProviderHttpClient;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;

/** A model served by Ollama ({@code /api/chat}). Built once; LangChain4j's own retries are off. */
public final class OllamaLanguageModel implements LanguageModel {
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";

    private final ChatModelAdapter adapter;

    public OllamaLanguageModel(ModelSpec spec, Duration timeout) {
        OllamaChatModel model = OllamaChatModel.builder()
                .httpClientBuilder(ProviderHttpClient.builder())
                .baseUrl(spec.option("baseUrl").orElse(DEFAULT_BASE_URL))
                .modelName(spec.modelId())
                .temperature(spec.temperature())
                .numPredict(spec.maxOutputTokens())
                .timeout(timeout)
                .maxRetries(0)
                .build();
        this.adapter = new ChatModelAdapter(spec, model, ChatModelAdapter::plain, HttpFailure::fromCauses);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }
}
