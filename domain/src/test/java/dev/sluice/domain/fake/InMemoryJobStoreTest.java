package dev.sluice.domain.fake;

import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.JobStoreContract;

class InMemoryJobStoreTest extends JobStoreContract {
    private final InMemoryJobStore store = new InMemoryJobStore();

    @Override
    protected JobStore store() {
        return store;
    }
}
