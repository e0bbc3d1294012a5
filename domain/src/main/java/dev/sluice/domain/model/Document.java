package dev.sluice.domain.model;

import java.util.Map;
import java.util.Objects;

/**
 * A document to make retrievable. Its id is the caller's; re-ingesting the same id replaces its chunks.
 *
 * @param contentType {@code text/plain} or {@code text/markdown}
 */
public record Document(String id, String contentType, String text, Map<String, String> metadata) {
    public Document {
        Ids.require(id, "document.id", 256);
        Objects.requireNonNull(contentType, "'contentType' must not be null");
        Objects.requireNonNull(text, "'text' must not be null");
        metadata = Map.copyOf(metadata);
    }
}
