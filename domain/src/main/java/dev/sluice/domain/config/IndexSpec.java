package dev.sluice.domain.config;

import java.util.Objects;

/**
 * A vector index: the embedding dimension it holds and how documents are cut into chunks.
 *
 * @param chunkSize target chunk length in characters
 * @param chunkOverlap characters of the previous chunk repeated at the start of the next
 */
public record IndexSpec(String name, int dimension, int chunkSize, int chunkOverlap) {
    public IndexSpec {
        Objects.requireNonNull(name, "'name' must not be null");
        if (dimension < 1) {
            throw new IllegalArgumentException("'dimension' must be at least 1");
        }
        if (chunkSize < 50) {
            throw new IllegalArgumentException("'chunkSize' must be at least 50");
        }
        if (chunkOverlap < 0 || chunkOverlap >= chunkSize) {
            throw new IllegalArgumentException("'chunkOverlap' must be between 0 and chunkSize - 1");
        }
    }
}
