package dev.sluice.domain.port;

import java.util.Optional;

/**
 * Bytes by key (S3 in AWS): large payloads, results, traces and index snapshots.
 *
 * <p>Contract: {@code put} overwrites; {@code get} of a missing key is empty, never an exception; {@code delete}
 * of a missing key succeeds; {@link #getRange} is the bytes {@code get} would return from {@code offset}, at most
 * {@code length} of them. Failures: {@link TransientException}.
 */
public interface BlobStore {
    void put(String key, byte[] content, String contentType);

    Optional<Blob> get(String key);

    /** Part of an object: S3 reads only that range. */
    default Optional<Blob> getRange(String key, long offset, int length) {
        return get(key).map(blob -> {
            byte[] all = blob.content();
            int from = (int) Math.min(offset, all.length);
            int to = (int) Math.min((long) from + length, all.length);
            return new Blob(java.util.Arrays.copyOfRange(all, from, to), blob.contentType());
        });
    }

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
