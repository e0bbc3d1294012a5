package dev.sluice.domain.model;

import java.util.Map;
import java.util.Objects;

/** A chunk returned by a vector search, with its similarity score (higher is closer). */
public record RetrievedChunk(String id, String documentId, String text, double score, Map<String, String> metadata) {
    public RetrievedChunk {
        Objects.requireNonNull(id, "'id' must not be null");
        Objects.requireNonNull(documentId, "'documentId' must not be null");
        Objects.requireNonNull(text, "'text' must not be null");
        metadata = Map.copyOf(metadata);
    }
}
