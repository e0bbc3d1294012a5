package dev.sluice.adapter.retrieval.opensearch;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.mapping.DynamicTemplate;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;

/**
 * Chunks in an OpenSearch k-NN index (self-managed, Amazon OpenSearch Service or Serverless): one index per sluice
 * index, HNSW on the configured engine with cosine similarity, tenant and metadata as keyword fields. Searches use
 * k-NN with efficient filtering (the filter runs inside the graph search, so {@code topK} holds after filtering).
 * Scores are cosine similarities in [-1, 1], like the other stores'.
 */
public final class OpenSearchVectorStore implements VectorStore, AutoCloseable {
    private static final int BULK_SIZE = 500;
    private static final String INDEX_NOT_FOUND = "index_not_found_exception";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

    private final OpenSearchSettings settings;
    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final Map<String, Integer> dimensions = new ConcurrentHashMap<>();

    public OpenSearchVectorStore(OpenSearchSettings settings) {
        this.settings = settings;
        this.transport = Transports.of(settings);
        this.client = new OpenSearchClient(transport);
    }

    @Override
    public void ensureIndex(IndexSpec index) {
        call("ensure index " + index.name(), () -> {
            if (!client.indices().exists(e -> e.index(index.name())).value()) {
                try {
                    client.indices()
                            .create(c -> c.index(index.name())
                                    .settings(s -> s.knn(true))
                                    .mappings(mapping(index.dimension())));
                } catch (OpenSearchException e) {
                    // Another ingestor created it first: fine, the dimension check below decides.
                    if (!"resource_already_exists_exception".equals(e.error().type())) {
                        throw e;
                    }
                }
            }
            int existing = readDimension(index.name());
            if (existing != index.dimension()) {
                throw new PermanentException(
                        "index '" + index.name() + "' holds " + existing + "-dimensional vectors but "
                                + index.dimension() + " were asked for",
                        null);
            }
            dimensions.put(index.name(), existing);
            return null;
        });
    }

    @Override
    public void upsert(String index, List<Chunk> chunks) {
        int dimension = dimension(index);
        if (chunks.isEmpty()) {
            return; // OpenSearch refuses an empty bulk request.
        }
        for (Chunk c : chunks) {
            checkDimension(index, dimension, c.vector().length);
        }
        for (int from = 0; from < chunks.size(); from += BULK_SIZE) {
            List<Chunk> batch = chunks.subList(from, Math.min(chunks.size(), from + BULK_SIZE));
            BulkRequest.Builder bulk = new BulkRequest.Builder().index(index);
            if (settings.refreshOnWrite()) {
                bulk.refresh(Refresh.True);
            }
            for (Chunk c : batch) {
                StoredChunk doc = new StoredChunk(
                        c.id(), c.tenant().value(), c.documentId(), c.text(), boxed(c.vector()), c.metadata());
                bulk.operations(BulkOperation.of(o ->
                        o.index(i -> i.id(docId(c.tenant(), c.id())).document(doc))));
            }
            BulkResponse response = call("bulk upsert into " + index, () -> client.bulk(bulk.build()));
            if (response.errors()) {
                throw bulkFailure(index, response);
            }
        }
    }

    /** An index never created holds no chunks: a search finds nothing, as in an empty one. */
    @Override
    public List<RetrievedChunk> search(String index, Query query) {
        Optional<Integer> dimension = existingDimension(index);
        if (dimension.isEmpty()) {
            return List.of();
        }
        checkDimension(index, dimension.get(), query.vector().length);
        var filter = Queries.tenantAndMetadata(query.tenant(), query.filter());
        Optional<SearchResponse<StoredChunk>> found = unlessMissing(
                "search " + index,
                () -> client.search(
                        s -> s.index(index)
                                .size(query.topK())
                                .source(src -> src.filter(f -> f.excludes("vector")))
                                .query(q -> q.knn(k -> k.field("vector")
                                        .vector(boxed(query.vector()))
                                        .k(query.topK())
                                        .filter(filter))),
                        StoredChunk.class));
        if (found.isEmpty()) {
            return List.of();
        }
        List<RetrievedChunk> out = new ArrayList<>();
        for (Hit<StoredChunk> hit : found.get().hits().hits()) {
            StoredChunk c = hit.source();
            double score = hit.score() == null ? 0 : hit.score();
            // The Lucene engine's cosine score is (1 + cos) / 2; report the cosine itself.
            out.add(new RetrievedChunk(
                    c.id(),
                    c.documentId(),
                    c.text(),
                    2.0 * score - 1.0,
                    c.metadata() == null ? Map.of() : c.metadata()));
        }
        return out;
    }

    @Override
    public void deleteDocument(String index, TenantId tenant, String documentId) {
        dimension(index);
        var byDocument = Queries.document(tenant, documentId);
        boolean serverless =
                settings.sigV4().map(OpenSearchSettings.SigV4::serverless).orElse(false);
        if (serverless) {
            deleteBySearch(index, byDocument);
            return;
        }
        call(
                "delete document " + documentId + " from " + index,
                () -> client.deleteByQuery(d -> d.index(index)
                        .query(byDocument)
                        .refresh(settings.refreshOnWrite() ? Refresh.True : Refresh.False)
                        .conflicts(org.opensearch.client.opensearch._types.Conflicts.Proceed)));
    }

    // Serverless has no _delete_by_query: find the ids, then delete them in bulk.
    private void deleteBySearch(String index, org.opensearch.client.opensearch._types.query_dsl.Query byDocument) {
        SearchResponse<Void> ids = call(
                "find chunks in " + index,
                () -> client.search(
                        s -> s.index(index)
                                .size(10_000)
                                .source(src -> src.fetch(false))
                                .query(byDocument),
                        Void.class));
        if (ids.hits().hits().isEmpty()) {
            return;
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(index);
        ids.hits().hits().forEach(h -> bulk.operations(BulkOperation.of(o -> o.delete(d -> d.id(h.id())))));
        call("bulk delete from " + index, () -> client.bulk(bulk.build()));
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new TransientException("cannot close the OpenSearch transport", e);
        }
    }

    private TypeMapping mapping(int dimension) {
        Property keyword = Property.of(p -> p.keyword(k -> k));
        // Every metadata value is a keyword, whatever its key: filters are exact matches.
        DynamicTemplate metadataKeywords = DynamicTemplate.of(
                t -> t.pathMatch("metadata.*").matchMappingType("string").mapping(keyword));
        Property vector = Property.of(p -> p.knnVector(k -> k.dimension(dimension)
                .method(me -> me.name("hnsw").engine(settings.engine()).spaceType("cosinesimil"))));
        return TypeMapping.of(m -> m.dynamicTemplates(Map.of("metadata_keywords", metadataKeywords))
                .properties("id", keyword)
                .properties("tenant", keyword)
                .properties("documentId", keyword)
                .properties("text", Property.of(p -> p.text(t -> t.index(false))))
                .properties("metadata", Property.of(p -> p.object(o -> o.enabled(true))))
                .properties("vector", vector));
    }

    // Document ids are per tenant: the same chunk id of two tenants must never overwrite each other.
    private static String docId(TenantId tenant, String chunkId) {
        return tenant.value() + "/" + chunkId;
    }

    private int dimension(String index) {
        Integer known = dimensions.get(index);
        if (known != null) {
            return known;
        }
        int read = call("read mapping of " + index, () -> readDimension(index));
        dimensions.put(index, read);
        return read;
    }

    private Optional<Integer> existingDimension(String index) {
        Integer known = dimensions.get(index);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Integer> read = unlessMissing("read mapping of " + index, () -> readDimension(index));
        read.ifPresent(d -> dimensions.put(index, d));
        return read;
    }

    // Empty when OpenSearch says the index does not exist; any other failure is classified as usual.
    private static <T> Optional<T> unlessMissing(String what, Call<T> call) {
        try {
            return Optional.of(call(what, call::run));
        } catch (PermanentException e) {
            if (e.getCause() instanceof OpenSearchException o
                    && INDEX_NOT_FOUND.equals(o.error().type())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private int readDimension(String index) throws IOException {
        var mapping = client.indices().getMapping(g -> g.index(index)).result().get(index);
        Property vector =
                mapping == null ? null : mapping.mappings().properties().get("vector");
        if (vector == null || !vector.isKnnVector()) {
            throw new PermanentException("index '" + index + "' has no k-NN field 'vector'", null);
        }
        return vector.knnVector().dimension();
    }

    private static void checkDimension(String index, int dimension, int length) {
        if (length != dimension) {
            throw new PermanentException(
                    "vector has " + length + " dimensions but index '" + index + "' holds " + dimension, null);
        }
    }

    private static PortException bulkFailure(String index, BulkResponse response) {
        var failed = response.items().stream().filter(i -> i.error() != null).toList();
        var first = failed.getFirst();
        String message = failed.size() + " of " + response.items().size() + " chunks failed in '" + index + "': "
                + first.error().type() + " " + first.error().reason();
        if (first.status() == 429) {
            return new ThrottledException(message, DEFAULT_RETRY_AFTER, null);
        }
        return first.status() >= 500 ? new TransientException(message, null) : new PermanentException(message, null);
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (OpenSearchException e) {
            if (INDEX_NOT_FOUND.equals(e.error().type())) {
                throw new PermanentException(what + ": index does not exist (" + e.getMessage() + ")", e);
            }
            if (e.status() == 429) {
                throw new ThrottledException(what + ": " + e.getMessage(), DEFAULT_RETRY_AFTER, e);
            }
            if (e.status() >= 500) {
                throw new TransientException(what + ": " + e.getMessage(), e);
            }
            throw new PermanentException(what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TransientException(what + ": " + e.getMessage(), e);
        }
    }

    private static List<Float> boxed(float[] vector) {
        List<Float> out = new ArrayList<>(vector.length);
        for (float f : vector) {
            out.add(f);
        }
        return out;
    }
}
