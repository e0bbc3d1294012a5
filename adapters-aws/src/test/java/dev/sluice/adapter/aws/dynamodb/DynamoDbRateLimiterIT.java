package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.RateLimiterContract;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(DynaliteExtension.class)
class DynamoDbRateLimiterIT extends RateLimiterContract {
    private static final List<DynamoDbClient> CLIENTS = new ArrayList<>();
    private static final String TABLE = LocalDynamoDb.TABLES.limits().name();

    @AfterAll
    static void closeClients() {
        CLIENTS.forEach(DynamoDbClient::close);
    }

    /** Each call is another process: its own SDK client and its own limiter. */
    @Override
    protected RateLimiter limiter(MutableClock clock) {
        return limiter(clock, DynamoDbRateLimiter.Settings.of(TABLE));
    }

    private static RateLimiter limiter(java.time.Clock clock, DynamoDbRateLimiter.Settings settings) {
        DynamoDbClient client = LocalDynamoDb.client();
        synchronized (CLIENTS) {
            CLIENTS.add(client);
        }
        return new DynamoDbRateLimiter(client, settings, clock);
    }

    private static String key() {
        return "anthropic:it-" + System.nanoTime();
    }

    /** Request-bound, then output-token-bound: each run must fill a window to its binding limit and never beyond. */
    static Stream<Arguments> bindingLimits() {
        return Stream.of(
                Arguments.of(new RateLimits(25, 0, 6000, 2000), "requests"),
                Arguments.of(new RateLimits(0, 0, 6000, 800), "output"));
    }

    /**
     * Sixteen threads on four clients ask for requests and tokens as the clock crosses several windows; whatever
     * interleaving happens, no window ever holds more grants, or more reserved tokens, than its limits.
     */
    @ParameterizedTest(name = "{1}-bound")
    @MethodSource("bindingLimits")
    void manyThreadsOnSeveralClientsNeverExceedAnyLimitInAnyWindow(RateLimits limits, String binding) throws Exception {
        String key = key();
        MutableClock shared = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        List<RateLimiter> clients = List.of(limiter(shared), limiter(shared), limiter(shared), limiter(shared));
        Map<Instant, AtomicLong> granted = new ConcurrentHashMap<>();
        Map<Instant, AtomicLong> input = new ConcurrentHashMap<>();
        Map<Instant, AtomicLong> output = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                RateLimiter client = clients.get(t % clients.size());
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 30; i++) {
                        if (thread == 0 && i % 10 == 9) {
                            shared.advance(Duration.ofSeconds(25)); // the windows turn under the others' feet
                        }
                        TokenUsage estimate = new TokenUsage(50 + (i % 5) * 40, 20 + (thread % 4) * 15);
                        if (client.tryAcquire(key, limits, estimate) instanceof RateLimiter.Admission.Granted g) {
                            Instant window = g.permit().window();
                            granted.computeIfAbsent(window, w -> new AtomicLong())
                                    .incrementAndGet();
                            input.computeIfAbsent(window, w -> new AtomicLong()).addAndGet(estimate.input());
                            output.computeIfAbsent(window, w -> new AtomicLong())
                                    .addAndGet(estimate.output());
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
        assertThat(granted).hasSizeGreaterThanOrEqualTo(2);
        long limit = binding.equals("requests") ? limits.rpm() : limits.outputTpm();
        Map<Instant, AtomicLong> used = binding.equals("requests") ? granted : output;
        used.forEach((w, n) -> assertThat(n.get()).as(binding + " in " + w).isLessThanOrEqualTo(limit));
        input.forEach((w, n) -> assertThat(n.get()).as("input tokens in " + w).isLessThanOrEqualTo(6000));
        // Demand far above the limit fills a window to its limit, less than one request's worth short.
        long oneRequest = binding.equals("requests") ? 1 : 65;
        assertThat(used.values().stream().mapToLong(AtomicLong::get).max().orElseThrow())
                .as("fullest window")
                .isGreaterThan(limit - oneRequest);
    }

    @Test
    void aDenialRetryAfterIsTheTimeToTheNextWindow() {
        MutableClock at = new MutableClock(Instant.parse("2026-03-01T12:00:42.500Z"));
        RateLimiter limiter = limiter(at);
        String key = key();
        RateLimits limits = new RateLimits(1, 0, 0, 0);
        limiter.tryAcquire(key, limits, new TokenUsage(1, 1));
        var denied = limiter.tryAcquire(key, limits, new TokenUsage(1, 1));
        assertThat(denied)
                .isEqualTo(new RateLimiter.Admission.Denied(
                        Duration.ofMillis(17_500), "requests per minute limit 1 reached"));
    }

    @Test
    void anotherClientSeesTheTokensASettleGaveBack() {
        RateLimiter first = limiter(clock);
        RateLimiter second = limiter(clock);
        String key = key();
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var granted = (RateLimiter.Admission.Granted) first.tryAcquire(key, limits, new TokenUsage(700, 200));
        assertThat(second.tryAcquire(key, limits, new TokenUsage(300, 200)))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        first.settle(granted.permit(), new TokenUsage(400, 100));
        clock.advance(Duration.ofSeconds(1)); // past the second client's short memory of the counters
        assertThat(second.tryAcquire(key, limits, new TokenUsage(300, 200)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void extraTokensAreChargedAndAnEstimateOverTheLimitIsNeverGranted() {
        RateLimiter limiter = limiter(clock);
        String key = key();
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var granted = (RateLimiter.Admission.Granted) limiter.tryAcquire(key, limits, new TokenUsage(100, 100));
        limiter.settle(granted.permit(), new TokenUsage(500, 300));
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(150, 100)))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        var never = limiter.tryAcquire(key(), limits, new TokenUsage(900, 200));
        assertThat(((RateLimiter.Admission.Denied) never).reason()).contains("can never be granted");
    }

    @Test
    void aSettleAfterItsWindowEndedChangesNothingInTheNewWindow() {
        RateLimiter limiter = limiter(clock);
        String key = key();
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var granted = (RateLimiter.Admission.Granted) limiter.tryAcquire(key, limits, new TokenUsage(300, 200));
        clock.advance(Duration.ofMinutes(1));
        limiter.settle(granted.permit(), new TokenUsage(900, 100));
        assertThat(limiter.tryAcquire(key, limits, new TokenUsage(500, 500)))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }
}
