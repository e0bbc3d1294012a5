package dev.sluice.adapter.retrieval.pinecone;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import io.grpc.StatusRuntimeException;
import io.pinecone.clients.Index;
import io.pinecone.configs.PineconeConfig;
import io.pinecone.configs.PineconeConnection;
import io.pinecone.exceptions.PineconeException;
import io.pinecone.unsigned_indices_model.ScoredVectorWithUnsignedIndices;
import io.pinecone.unsigned_indices_model.VectorWithUnsignedIndices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Chunks in one Pinecone index (its data-plane host), one namespace per tenant. Several sluice indexes may share the
 * Pinecone index: each vector carries its sluice index name in metadata and every query and delete filters on it.
 * Pinecone's cosine metric gives scores that are cosine similarities, like the other stores'.
 */
public final class PineconeVectorStore implements VectorStore, AutoCloseable {
    static final String INDEX = "sluice_index";
    static final String DOCUMENT = "sluice_document";
    static final String TEXT = "sluice_text";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

    private final Index index;
    private final int upsertBatch;
    private volatile int dimension;

    /**
     * @param host the index's data-plane host, e.g. {@code my-index-abc123.svc.aped-4627-b74a.pinecone.io}
     * @param tls off only for a local fake
     * @param upsertBatch vectors per upsert request (Pinecone takes at most 1000, and 2 MB)
     */
    public record Settings(String host, String apiKey, boolean tls, int upsertBatch) {
        public Settings {
            Objects.requireNonNull(host, "'host' must not be null");
            Objects.requireNonNull(apiKey, "'apiKey' must not be null");
            if (upsertBatch < 1 || upsertBatch > 1000) {
                throw new IllegalArgumentException("'upsertBatch' must be between 1 and 1000");
            }
        }

        @Override
        public String toString() {
            return "Settings[host=" + host + ", tls=" + tls + ", upsertBatch=" + upsertBatch + "]";
        }
    }

    public PineconeVectorStore(Settings settings) {
        PineconeConfig config = new PineconeConfig(settings.apiKey());
        config.setHost(settings.host());
        config.setTLSEnabled(settings.tls());
        this.index = new Index(config, new PineconeConnection(config), "sluice");
        this.upsertBatch = settings.upsertBatch();
    }

    @Override
    public void ensureIndex(IndexSpec spec) {
        int actual = dimension();
        if (actual != spec.dimension()) {
            throw new PermanentException(
                    "the Pinecone index holds " + actual + "-dimensional vectors but index '" + spec.name() + "' needs "
                            + spec.dimension(),
                    null);
        }
    }

    @Override
    public void upsert(String indexName, List<Chunk> chunks) {
        for (Chunk c : chunks) {
            checkDimension(indexName, c.vector().length);
        }
        Map<TenantId, List<VectorWithUnsignedIndices>> byTenant = new HashMap<>();
        for (Chunk c : chunks) {
            byTenant.computeIfAbsent(c.tenant(), t -> new ArrayList<>()).add(toVector(indexName, c));
        }
        byTenant.forEach((tenant, vectors) -> {
            for (int from = 0; from < vectors.size(); from += upsertBatch) {
                List<VectorWithUnsignedIndices> batch =
                        vectors.subList(from, Math.min(vectors.size(), from + upsertBatch));
                call("upsert into " + indexName, () -> index.upsert(batch, tenant.value()));
            }
        });
    }

    @Override
    public List<RetrievedChunk> search(String indexName, Query query) {
        checkDimension(indexName, query.vector().length);
        Struct.Builder filter = Struct.newBuilder().putFields(INDEX, eq(indexName));
        query.filter().forEach((k, v) -> filter.putFields(k, eq(v)));
        var response = call(
                "query " + indexName,
                () -> index.query(
                        query.topK(),
                        boxed(query.vector()),
                        null,
                        null,
                        null,
                        query.tenant().value(),
                        filter.build(),
                        false,
                        true));
        List<RetrievedChunk> out = new ArrayList<>();
        for (ScoredVectorWithUnsignedIndices match : response.getMatchesList()) {
            out.add(toChunk(indexName, match));
        }
        return out;
    }

    @Override
    public void deleteDocument(String indexName, TenantId tenant, String documentId) {
        Struct filter = Struct.newBuilder()
                .putFields(INDEX, eq(indexName))
                .putFields(DOCUMENT, eq(documentId))
                .build();
        call("delete " + documentId + " from " + indexName, () -> index.deleteByFilter(filter, tenant.value()));
    }

    @Override
    public void close() {
        index.close();
    }

    private int dimension() {
        if (dimension == 0) {
            dimension = call(
                    "describe index stats", () -> index.describeIndexStats().getDimension());
        }
        return dimension;
    }

    private void checkDimension(String indexName, int length) {
        int expected = dimension();
        if (length != expected) {
            throw new PermanentException(
                    "vector has " + length + " dimensions but index '" + indexName + "' holds " + expected, null);
        }
    }

    // Vector ids carry the sluice index, so one chunk id in two sluice indexes never collides.
    private static String vectorId(String indexName, String chunkId) {
        return indexName + "#" + chunkId;
    }

    private static VectorWithUnsignedIndices toVector(String indexName, Chunk c) {
        Struct.Builder metadata = Struct.newBuilder();
        c.metadata().forEach((k, v) -> metadata.putFields(k, string(v)));
        metadata.putFields(INDEX, string(indexName))
                .putFields(DOCUMENT, string(c.documentId()))
                .putFields(TEXT, string(c.text()));
        return new VectorWithUnsignedIndices(vectorId(indexName, c.id()), boxed(c.vector()), metadata.build(), null);
    }

    private static RetrievedChunk toChunk(String indexName, ScoredVectorWithUnsignedIndices match) {
        Map<String, String> metadata = new HashMap<>();
        String document = "";
        String text = "";
        for (var field : match.getMetadata().getFieldsMap().entrySet()) {
            String value = field.getValue().getStringValue();
            switch (field.getKey()) {
                case INDEX -> {}
                case DOCUMENT -> document = value;
                case TEXT -> text = value;
                default -> metadata.put(field.getKey(), value);
            }
        }
        String id = match.getId().substring(indexName.length() + 1);
        return new RetrievedChunk(id, document, text, match.getScore(), metadata);
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value eq(String s) {
        return Value.newBuilder()
                .setStructValue(Struct.newBuilder().putFields("$eq", string(s)))
                .build();
    }

    private static List<Float> boxed(float[] vector) {
        List<Float> out = new ArrayList<>(vector.length);
        for (float f : vector) {
            out.add(f);
        }
        return out;
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw classify(what, e);
        } catch (PineconeException e) {
            throw new PermanentException("Pinecone " + what + ": " + e.getMessage(), e);
        }
    }

    static PortException classify(String what, StatusRuntimeException e) {
        String message = "Pinecone " + what + ": " + e.getStatus();
        return switch (e.getStatus().getCode()) {
            case RESOURCE_EXHAUSTED -> new ThrottledException(message, DEFAULT_RETRY_AFTER, e);
            case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ABORTED, UNKNOWN, CANCELLED ->
                new TransientException(message, e);
            default -> new PermanentException(message, e);
        };
    }
}
