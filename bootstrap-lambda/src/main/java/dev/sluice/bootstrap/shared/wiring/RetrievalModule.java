package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.retrieval.embedding.BedrockTitanEmbedder;
import dev.sluice.adapter.retrieval.embedding.MiniLmEmbedder;
import dev.sluice.adapter.retrieval.embedding.OpenAiEmbedder;
import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.adapter.retrieval.opensearch.OpenSearchSettings;
import dev.sluice.adapter.retrieval.opensearch.OpenSearchVectorStore;
import dev.sluice.adapter.retrieval.pinecone.PineconeVectorStore;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IngestDocuments;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The embedder and the vector store, chosen by {@code SLUICE_EMBEDDER} and {@code SLUICE_VECTOR_STORE}. */
@Module
public final class RetrievalModule {
    private RetrievalModule() {}

    @Provides
    @Singleton
    static Embedder embedder(Settings settings, SluiceConfig config, Secrets secrets) {
        return InitPhases.time(
                "embedder",
                () -> fromLayer("SLUICE_EMBEDDER", settings.embedder(), () -> newEmbedder(settings, config, secrets)));
    }

    /**
     * {@code build}, or a sentence naming the missing layer when the function's classpath lacks the chosen part's
     * libraries (its zip holds only what every stack runs; the opt-in parts are layers that {@code pulumi up}
     * attaches by configuration).
     */
    static <T> T fromLayer(String variable, String choice, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (NoClassDefFoundError e) {
            String layer = choice.equals("minilm") ? "minilm-<architecture>" : choice;
            throw new IllegalStateException(
                    variable + " is " + choice + ", but this function has no " + choice
                            + " libraries (" + e.getMessage() + " is missing): attach the layer sluice-layer-" + layer
                            + ".zip"
                            + " (pulumi up does when the stack's configuration chooses " + choice + ")",
                    e);
        }
    }

    private static Embedder newEmbedder(Settings settings, SluiceConfig config, Secrets secrets) {
        int dimension = config.indexes().values().stream()
                .mapToInt(IndexSpec::dimension)
                .max()
                .orElse(384);
        return switch (settings.embedder()) {
            case "minilm" -> new MiniLmEmbedder();
            case "openai" ->
                new OpenAiEmbedder(new OpenAiEmbedder.Settings(
                        settings.embedderBaseUrl(),
                        secrets.value(settings.embedderApiKeySecret())
                                .orElseThrow(() -> new IllegalStateException("no API key for the OpenAI embedder")),
                        settings.embedderModel().orElse("text-embedding-3-small"),
                        dimension,
                        64,
                        Duration.ofSeconds(20)));
            case "bedrock" ->
                new BedrockTitanEmbedder(new BedrockTitanEmbedder.Settings(
                        settings.endpoints().bedrock(),
                        Region.of(settings.region()),
                        DefaultCredentialsProvider.builder().build(),
                        settings.embedderModel().orElse("amazon.titan-embed-text-v2:0"),
                        dimension,
                        16,
                        Duration.ofSeconds(20)));
            default ->
                throw new IllegalStateException(
                        "SLUICE_EMBEDDER must be minilm, openai or bedrock, not '" + settings.embedder() + "'");
        };
    }

    @Provides
    @Singleton
    static VectorStore vectorStore(Settings settings, Lazy<LuceneVectorStore> lucene, Secrets secrets) {
        if (settings.vectorStore().equals("lucene")) {
            return lucene.get();
        }
        return InitPhases.time(
                "clients",
                () -> fromLayer(
                        "SLUICE_VECTOR_STORE", settings.vectorStore(), () -> remoteVectorStore(settings, secrets)));
    }

    private static VectorStore remoteVectorStore(Settings settings, Secrets secrets) {
        return switch (settings.vectorStore()) {
            case "opensearch" -> new OpenSearchVectorStore(openSearch(settings));
            case "pinecone" ->
                new PineconeVectorStore(new PineconeVectorStore.Settings(
                        settings.pineconeHost()
                                .orElseThrow(() -> new IllegalStateException("SLUICE_PINECONE_HOST is not set")),
                        settings.pineconeApiKeySecret()
                                .flatMap(secrets::value)
                                .orElseThrow(() -> new IllegalStateException(
                                        "no Pinecone API key: set SLUICE_PINECONE_API_KEY_SECRET")),
                        !settings.pineconeHost().get().startsWith("127.0.0.1"),
                        100));
            default ->
                throw new IllegalStateException("SLUICE_VECTOR_STORE must be lucene, opensearch or pinecone, not '"
                        + settings.vectorStore() + "'");
        };
    }

    /** The embedded store under {@code SLUICE_LUCENE_DIR} (Lambda: {@code /tmp}), shared by the process's graphs. */
    @Provides
    @Singleton
    static LuceneVectorStore lucene(Settings settings, SluiceConfig config, BlobStore blobs) {
        return InitPhases.time(
                "index",
                () -> LuceneStores.PROCESS.open(
                        settings.luceneDir(), config.indexes().keySet(), blobs));
    }

    private static OpenSearchSettings openSearch(Settings settings) {
        URI endpoint = URI.create(settings.openSearchEndpoint()
                .orElseThrow(() -> new IllegalStateException("SLUICE_OPENSEARCH_ENDPOINT is not set")));
        Optional<String> service = settings.openSearchSigV4().filter(s -> !s.isBlank());
        if (service.isEmpty()) {
            return OpenSearchSettings.plain(endpoint);
        }
        return new OpenSearchSettings(
                endpoint,
                Optional.of(new OpenSearchSettings.SigV4(
                        service.get(),
                        Region.of(settings.region()),
                        DefaultCredentialsProvider.builder().build())),
                "lucene",
                !service.get().equals("aoss"));
    }

    /**
     * The dispatcher only validates and queues documents; the embedder and vector store are built on first use, so
     * its cold start never loads an embedding model.
     */
    @Provides
    @Singleton
    static IngestDocuments ingestDocuments(
            Settings settings,
            SluiceConfig config,
            Lazy<Embedder> embedder,
            Lazy<VectorStore> vectors,
            Lazy<LuceneVectorStore> lucene,
            BlobStore blobs,
            @Queues.Ingest WorkQueue ingest) {
        return LuceneSnapshotIngest.forStore(
                settings.vectorStore(),
                new IngestDocumentsService(config, new LazyEmbedder(embedder), new LazyVectorStore(vectors), ingest),
                lucene,
                blobs);
    }
}
