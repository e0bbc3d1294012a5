package dev.sluice.domain.port;

import java.util.Optional;

/**
 * Bytes by key (S3 in AWS): large payloads, results, traces and index snapshots.
 *
 * <p>Contract: {@code put} overwrites; {@code get} of a missing key is empty, never an exception; {@code delete}
 * of a missing key succeeds. Failures: {@link TransientException}.
 */
public interface BlobStore {
    void put(String key, byte[] content, String contentType);

    Optional<Blob> get(String key);

    void delete(String key);

    /** Stored bytes and their content type. */
    record Blob(byte[] content, String contentType) {
        public Blob {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }
}
