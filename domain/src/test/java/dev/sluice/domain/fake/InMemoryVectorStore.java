package dev.sluice.domain.fake;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exact cosine search over chunks in memory. */
public final class InMemoryVectorStore implements VectorStore {
    private final Map<String, IndexSpec> indexes = new HashMap<>();
    private final Map<String, Map<String, Chunk>> chunks = new HashMap<>();

    @Override
    public synchronized void ensureIndex(IndexSpec index) {
        indexes.putIfAbsent(index.name(), index);
        chunks.putIfAbsent(index.name(), new LinkedHashMap<>());
    }

    @Override
    public synchronized void upsert(String index, List<Chunk> batch) {
        IndexSpec spec = spec(index);
        for (Chunk c : batch) {
            checkDimension(spec, c.vector().length);
            chunks.get(index).put(c.id(), c);
        }
    }

    @Override
    public synchronized List<RetrievedChunk> search(String index, Query query) {
        if (!indexes.containsKey(index)) {
            return List.of();
        }
        checkDimension(spec(index), query.vector().length);
        float[] q = query.vector();
        return chunks.get(index).values().stream()
                .filter(c -> c.tenant().equals(query.tenant()))
                .filter(c -> query.filter().entrySet().stream()
                        .allMatch(f -> f.getValue().equals(c.metadata().get(f.getKey()))))
                .map(c -> new RetrievedChunk(c.id(), c.documentId(), c.text(), cosine(q, c.vector()), c.metadata()))
                .sorted(Comparator.comparingDouble(RetrievedChunk::score).reversed())
                .limit(query.topK())
                .toList();
    }

    @Override
    public synchronized void deleteDocument(String index, TenantId tenant, String documentId) {
        spec(index);
        chunks.get(index)
                .values()
                .removeIf(c -> c.tenant().equals(tenant) && c.documentId().equals(documentId));
    }

    public synchronized int size(String index) {
        return chunks.getOrDefault(index, Map.of()).size();
    }

    private IndexSpec spec(String index) {
        IndexSpec spec = indexes.get(index);
        if (spec == null) {
            throw new PermanentException("index '" + index + "' does not exist", null);
        }
        return spec;
    }

    private static void checkDimension(IndexSpec spec, int length) {
        if (length != spec.dimension()) {
            throw new PermanentException(
                    "vector has " + length + " dimensions but index '" + spec.name() + "' holds " + spec.dimension(),
                    null);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
