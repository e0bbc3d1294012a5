package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CompletionCache} must do. Implementations build the cache on the given clock. */
public abstract class CompletionCacheContract {
    protected final MutableClock clock = new MutableClock(Instant.now());
    private CompletionCache cache;

    protected abstract CompletionCache cache(MutableClock clock);

    @BeforeEach
    void setUp() {
        cache = cache(clock);
    }

    private static Completion completion(String text) {
        return new Completion(text, new TokenUsage(120, 30, 40), "gpt-4o-mini-2024-07-18", "stop", "{\"id\":\"x\"}");
    }

    @Test
    void aStoredCompletionIsReturnedWithoutTheProvidersRawResponse() {
        String key = "k-" + System.nanoTime();
        cache.put(key, completion("Paris"), Duration.ofHours(1));
        Completion stored = completion("Paris");
        assertThat(cache.get(key))
                .contains(new Completion(stored.text(), stored.usage(), stored.modelId(), stored.finishReason(), ""));
    }

    @Test
    void anUnknownKeyIsAMiss() {
        assertThat(cache.get("never-" + System.nanoTime())).isEmpty();
    }

    @Test
    void anExpiredEntryIsNeverReturnedEvenIfTheStoreStillHasIt() {
        String key = "k-" + System.nanoTime();
        cache.put(key, completion("stale"), Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(4));
        assertThat(cache.get(key)).isPresent();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(cache.get(key)).isEmpty();
    }

    @Test
    void putOverwritesAndRenewsTheTtl() {
        String key = "k-" + System.nanoTime();
        cache.put(key, completion("old"), Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(50));
        cache.put(key, completion("new"), Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(50));
        assertThat(cache.get(key)).hasValueSatisfying(c -> assertThat(c.text()).isEqualTo("new"));
    }
}
