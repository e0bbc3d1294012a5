package dev.sluice.adapter.retrieval.embedding;

import dev.langchain4j.model.bedrock.BedrockTitanEmbeddingModel;
import dev.sluice.domain.port.Embedder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * Amazon Titan text embeddings on Bedrock through LangChain4j. Titan takes one text per {@code InvokeModel} call,
 * so a batch is a sequence of calls on one client.
 */
public final class BedrockTitanEmbedder implements Embedder {
    private final LangChainEmbeddings embeddings;

    /**
     * @param endpoint empty for the region's Bedrock endpoint
     * @param model e.g. {@code amazon.titan-embed-text-v2:0}
     * @param dimension 256, 512 or 1024 for Titan v2
     */
    public record Settings(
            Optional<URI> endpoint,
            Region region,
            AwsCredentialsProvider credentials,
            String model,
            int dimension,
            int batchSize,
            Duration timeout) {
        public Settings {
            Objects.requireNonNull(endpoint, "'endpoint' must not be null");
            Objects.requireNonNull(region, "'region' must not be null");
            Objects.requireNonNull(credentials, "'credentials' must not be null");
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(timeout, "'timeout' must not be null");
        }
    }

    public BedrockTitanEmbedder(Settings settings) {
        var builder = BedrockRuntimeClient.builder()
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(settings.timeout())
                        .build())
                // The SDK would retry on its own: retries belong to the caller's budget.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        BedrockTitanEmbeddingModel model = BedrockTitanEmbeddingModel.builder()
                .client(builder.build())
                .model(settings.model())
                .dimensions(settings.dimension())
                .normalize(true)
                .maxRetries(0)
                .build();
        this.embeddings = new LangChainEmbeddings(
                "Bedrock " + settings.model(), model, settings.dimension(), settings.batchSize());
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
