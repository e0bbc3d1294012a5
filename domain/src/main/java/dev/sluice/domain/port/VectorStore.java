package dev.sluice.domain.port;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chunks with embeddings, searchable by similarity (OpenSearch, Pinecone or embedded Lucene).
 *
 * <p>Contract: {@link #ensureIndex} is idempotent. {@link #upsert} by chunk id is idempotent. {@link #search}
 * returns at most {@code topK} chunks of the query's tenant only, matching every filter entry on metadata,
 * ordered by descending score. {@link #deleteDocument} removes every chunk of that document for that tenant.
 * A vector whose length differs from the index's dimension is a {@link PermanentException} naming both.
 * {@link #search} of an index that was never created or never written returns no chunks (a configured index serves
 * before anything was ingested). A write the store refuses (an id or value over its limits) is a
 * {@link PermanentException} and leaves the index as it was: it never affects a later write. Other failures:
 * {@link TransientException}.
 */
public interface VectorStore {
    void ensureIndex(IndexSpec index);

    void upsert(String index, List<Chunk> chunks);

    List<RetrievedChunk> search(String index, Query query);

    void deleteDocument(String index, TenantId tenant, String documentId);

    /** A similarity query scoped to a tenant. */
    record Query(TenantId tenant, float[] vector, int topK, Map<String, String> filter) {
        public Query {
            Objects.requireNonNull(tenant, "'tenant' must not be null");
            vector = Objects.requireNonNull(vector, "'vector' must not be null").clone();
            filter = Map.copyOf(filter);
            if (topK < 1) {
                throw new IllegalArgumentException("'topK' must be at least 1");
            }
        }

        @Override
        public float[] vector() {
            return vector.clone();
        }
    }
}
