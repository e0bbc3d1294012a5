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
import dev.sluice.bootstrap.shared.Env;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.service.IngestDocumentsService;
import dev.sluice.domain.usecase.IngestDocuments;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Singleton;
import org.apache.logging.log4j.LogManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The embedder and the vector store, chosen by {@code SLUICE_EMBEDDER} and {@code SLUICE_VECTOR_STORE}. */
@Module
public final class RetrievalModule {
    /** One embedded Lucene store per directory and process: Lucene allows a single writer per index. */
    private static final Map<Path, LuceneVectorStore> LUCENE = new ConcurrentHashMap<>();

    private RetrievalModule() {}

    @Provides
    @Singleton
    static Embedder embedder(Settings settings, SluiceConfig config, Secrets secrets) {
        int dimension = config.indexes().values().stream()
                .mapToInt(IndexSpec::dimension)
                .max()
                .orElse(384);
        return switch (settings.embedder()) {
            case "minilm" -> new MiniLmEmbedder();
            case "openai" ->
                new OpenAiEmbedder(new OpenAiEmbedder.Settings(
                        URI.create(Env.get("SLUICE_EMBEDDER_BASE_URL").orElse("https://api.openai.com/v1")),
                        secrets.value(Env.get("SLUICE_EMBEDDER_API_KEY_SECRET").orElse("sluice/openai"))
                                .orElseThrow(() -> new IllegalStateException("no API key for the OpenAI embedder")),
                        Env.get("SLUICE_EMBEDDER_MODEL").orElse("text-embedding-3-small"),
                        dimension,
                        64,
                        Duration.ofSeconds(20)));
            case "bedrock" ->
                new BedrockTitanEmbedder(new BedrockTitanEmbedder.Settings(
                        settings.endpoints().bedrock(),
                        Region.of(settings.region()),
                        DefaultCredentialsProvider.builder().build(),
                        Env.get("SLUICE_EMBEDDER_MODEL").orElse("amazon.titan-embed-text-v2:0"),
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
    static VectorStore vectorStore(Settings settings, SluiceConfig config, BlobStore blobs, Secrets secrets) {
        return switch (settings.vectorStore()) {
            case "lucene" -> lucene(config, blobs);
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

    /**
     * The embedded store under {@code SLUICE_LUCENE_DIR} (Lambda: {@code /tmp}); an index missing on disk is restored
     * from the snapshot the ingestor last wrote, so a cold start serves the corpus as of then.
     */
    private static VectorStore lucene(SluiceConfig config, BlobStore blobs) {
        Path dir =
                Path.of(Env.get("SLUICE_LUCENE_DIR").orElse(System.getProperty("java.io.tmpdir") + "/sluice-lucene"));
        return LUCENE.computeIfAbsent(dir.toAbsolutePath(), d -> {
            LuceneVectorStore store = new LuceneVectorStore(new LuceneVectorStore.Settings(d));
            for (String index : config.indexes().keySet()) {
                if (!java.nio.file.Files.isDirectory(d.resolve(index)) && store.restore(index, blobs)) {
                    LogManager.getLogger(RetrievalModule.class).info("restored index {} from its snapshot", index);
                }
            }
            return store;
        });
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
            SluiceConfig config,
            Lazy<Embedder> embedder,
            Lazy<VectorStore> vectors,
            BlobStore blobs,
            @Queues.Ingest WorkQueue ingest) {
        Embedder lazyEmbedder = new Embedder() {
            @Override
            public List<float[]> embed(List<String> texts) {
                return embedder.get().embed(texts);
            }

            @Override
            public int dimension() {
                return embedder.get().dimension();
            }
        };
        VectorStore lazyVectors = new VectorStore() {
            @Override
            public void ensureIndex(dev.sluice.domain.config.IndexSpec index) {
                vectors.get().ensureIndex(index);
            }

            @Override
            public void upsert(String index, List<Chunk> chunks) {
                vectors.get().upsert(index, chunks);
            }

            @Override
            public List<RetrievedChunk> search(String index, Query query) {
                return vectors.get().search(index, query);
            }

            @Override
            public void deleteDocument(String index, TenantId tenant, String documentId) {
                vectors.get().deleteDocument(index, tenant, documentId);
            }
        };
        return new LuceneSnapshotIngest(
                new IngestDocumentsService(config, lazyEmbedder, lazyVectors, ingest), vectors::get, blobs);
    }
}
