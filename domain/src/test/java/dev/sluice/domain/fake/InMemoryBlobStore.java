package dev.sluice.domain.fake;

import dev.sluice.domain.port.BlobStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Blobs in a map. */
public final class InMemoryBlobStore implements BlobStore {
    private final Map<String, Blob> blobs = new ConcurrentHashMap<>();

    @Override
    public void put(String key, byte[] content, String contentType) {
        blobs.put(key, new Blob(content, contentType));
    }

    @Override
    public Optional<Blob> get(String key) {
        return Optional.ofNullable(blobs.get(key));
    }

    @Override
    public void delete(String key) {
        blobs.remove(key);
    }

    public int size() {
        return blobs.size();
    }
}
