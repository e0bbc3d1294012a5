package dev.sluice.domain.fake;

import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.BlobStoreContract;

class InMemoryBlobStoreTest extends BlobStoreContract {
    private final InMemoryBlobStore store = new InMemoryBlobStore();

    @Override
    protected BlobStore store() {
        return store;
    }
}
