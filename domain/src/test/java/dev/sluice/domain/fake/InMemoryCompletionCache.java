package dev.sluice.domain.fake;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.port.CompletionCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A cache in a map that, like the real one, filters expired entries on read. */
public final class InMemoryCompletionCache implements CompletionCache {
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Completion completion, Instant expiresAt) {}

    public InMemoryCompletionCache(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Completion> get(String key) {
        Entry e = entries.get(key);
        return e == null || !e.expiresAt().isAfter(clock.instant()) ? Optional.empty() : Optional.of(e.completion());
    }

    @Override
    public void put(String key, Completion completion, Duration ttl) {
        // As the contract says: the provider's raw response is not kept.
        Completion kept = new Completion(
                completion.text(), completion.usage(), completion.modelId(), completion.finishReason(), "");
        entries.put(key, new Entry(kept, clock.instant().plus(ttl)));
    }
}
