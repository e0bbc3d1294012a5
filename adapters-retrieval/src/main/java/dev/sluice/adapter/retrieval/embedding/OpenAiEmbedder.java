package dev.sluice.adapter.retrieval.embedding;

import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.sluice.domain.port.Embedder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** OpenAI's {@code /v1/embeddings} (or any server speaking it) through LangChain4j, batched. */
public final class OpenAiEmbedder implements Embedder {
    private final LangChainEmbeddings embeddings;

    /**
     * @param baseUrl e.g. {@code https://api.openai.com/v1}
     * @param model e.g. {@code text-embedding-3-small}
     * @param dimension sent as {@code dimensions}, so the model shortens its vectors to what the index holds
     * @param batchSize texts per request (OpenAI accepts up to 2048)
     */
    public record Settings(URI baseUrl, String apiKey, String model, int dimension, int batchSize, Duration timeout) {
        public Settings {
            Objects.requireNonNull(baseUrl, "'baseUrl' must not be null");
            Objects.requireNonNull(apiKey, "'apiKey' must not be null");
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(timeout, "'timeout' must not be null");
        }

        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", model=" + model + ", dimension=" + dimension + "]";
        }
    }

    public OpenAiEmbedder(Settings settings) {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder()
                .baseUrl(settings.baseUrl().toString())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .dimensions(settings.dimension())
                .maxSegmentsPerBatch(settings.batchSize())
                .timeout(settings.timeout())
                // Retries belong to the caller's budget (Resilience4j / the queue), not to LangChain4j's loop.
                .maxRetries(0)
                .build();
        this.embeddings = new LangChainEmbeddings(
                "OpenAI " + settings.model(), model, settings.dimension(), settings.batchSize());
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return embeddings.embed(texts);
    }

    @Override
    public int dimension() {
        return embeddings.dimension();
    }
}
