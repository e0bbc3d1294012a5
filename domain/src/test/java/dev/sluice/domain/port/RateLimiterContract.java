package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} must do. {@link #limiter} may be called several times for one test: each call is
 * another client (another Lambda instance) sharing the same backing state.
 */
public abstract class RateLimiterContract {
    /** Ten seconds into a minute, so a test never straddles a window boundary. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:10Z"));

    protected abstract RateLimiter limiter(MutableClock clock);

    private static String key() {
        return "openai:test-" + System.nanoTime();
    }

    @Test
    void manyThreadsOnSeveralClientsNeverGetMoreThanTheRequestLimit() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(20, 0, 0, 0);
        List<RateLimiter> clients = List.of(limiter(clock), limiter(clock), limiter(clock));
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                RateLimiter client = clients.get(t % clients.size());
                tasks.add(() -> {
                    for (int i = 0; i < 8; i++) {
                        if (client.tryAcquire(key, limits, new TokenUsage(10, 10))
                                instanceof RateLimiter.Admission.Granted) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted.get()).isEqualTo(20);
    }

    @Test
    void aDenialSaysWhenToComeBackAndThatIsEnough() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(2, 0, 0, 0);
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        var denied = limiter.tryAcquire(key, limits, new TokenUsage(1, 1));
        assertThat(denied).isInstanceOf(RateLimiter.Admission.Denied.class);
        Duration retryAfter = ((RateLimiter.Admission.Denied) denied).retryAfter();
        assertThat(retryAfter).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
        clock.advance(retryAfter);
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void tokensAreReservedByEstimateAndSettledByRealUsage() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var first = limiter.tryAcquire(key, limits, new TokenUsage(300, 300));
        assertThat(first).isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(300, 300)))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        limiter.settle(((RateLimiter.Admission.Granted) first).permit(), new TokenUsage(250, 50));
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(300, 300)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void inputAndOutputTokensAreLimitedSeparatelyWhenConfigured() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(0, 0, 1000, 100);
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(900, 50)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        var denied = limiter.tryAcquire(key, limits, new TokenUsage(50, 60));
        assertThat(denied).isInstanceOf(RateLimiter.Admission.Denied.class);
        assertThat(((RateLimiter.Admission.Denied) denied).reason()).contains("output");
    }

    @Test
    void keysAreIndependent() {
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(1, 0, 0, 0);
        assertThat(limiter.tryAcquire(key(), limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(limiter.tryAcquire(key(), limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void aNewWindowStartsAfresh() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(1, 0, 0, 0);
        limiter.tryAcquire(key, limits, new TokenUsage(1, 1));
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(1, 1)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }
}
