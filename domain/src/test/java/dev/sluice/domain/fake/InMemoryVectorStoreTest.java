package dev.sluice.domain.fake;

import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.VectorStoreContract;

class InMemoryVectorStoreTest extends VectorStoreContract {
    private final InMemoryVectorStore store = new InMemoryVectorStore();

    @Override
    protected VectorStore store() {
        return store;
    }
}
