package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.VectorStore;
import java.util.List;

/** A {@link VectorStore} opened on its first use: a graph that never reads or writes one (the dispatcher's) opens none. */
final class LazyVectorStore implements VectorStore {
    private final Lazy<VectorStore> vectors;

    LazyVectorStore(Lazy<VectorStore> vectors) {
        this.vectors = vectors;
    }

    @Override
    public void ensureIndex(IndexSpec index) {
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
}
