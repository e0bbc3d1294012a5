package dev.sluice.domain.fake;

import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.CompletionCacheContract;

class InMemoryCompletionCacheTest extends CompletionCacheContract {
    @Override
    protected CompletionCache cache(MutableClock clock) {
        return new InMemoryCompletionCache(clock);
    }
}
