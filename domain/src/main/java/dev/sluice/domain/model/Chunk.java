package dev.sluice.domain.model;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A piece of a document with its embedding, as stored in a vector store.
 *
 * @param id deterministic: derived from tenant, document id and content, so re-ingesting is idempotent
 */
public record Chunk(
        String id, TenantId tenant, String documentId, String text, float[] vector, Map<String, String> metadata) {
    public Chunk {
        Objects.requireNonNull(id, "'id' must not be null");
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(documentId, "'documentId' must not be null");
        Objects.requireNonNull(text, "'text' must not be null");
        vector = Objects.requireNonNull(vector, "'vector' must not be null").clone();
        metadata = Map.copyOf(metadata);
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c
                && id.equals(c.id)
                && tenant.equals(c.tenant)
                && documentId.equals(c.documentId)
                && text.equals(c.text)
                && Arrays.equals(vector, c.vector)
                && metadata.equals(c.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, tenant, documentId, text, Arrays.hashCode(vector), metadata);
    }

    @Override
    public String toString() {
        return "Chunk[" + id + ", doc=" + documentId + ", dim=" + vector.length + "]";
    }
}
