package dev.sluice.domain.fake;

import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.TraceStoreContract;

class InMemoryTraceStoreTest extends TraceStoreContract {
    private final InMemoryTraceStore store = new InMemoryTraceStore();

    @Override
    protected TraceStore store() {
        return store;
    }
}
