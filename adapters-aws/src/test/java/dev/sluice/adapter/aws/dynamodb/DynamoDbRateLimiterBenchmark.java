package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Drives {@link DynamoDbRateLimiter} on dynalite with demand at three times the limit, from eight threads on four
 * clients, over four 15-second windows, and prints per window what was admitted against the limit and how many
 * DynamoDB calls each admission cost. Not part of {@code verify}; run it with:
 *
 * <pre>./mvnw -B -pl adapters-aws -am test -Dtest=DynamoDbRateLimiterBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Each granted request "calls the model" for 200-600 ms and settles real usage of about half its estimate, so the
 * token limit is reached only if settling gives the unused tokens back: without it, the estimates alone would
 * stop admissions at 90 of the 120 requests a window allows.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbRateLimiterBenchmark {
    private static final Duration WINDOW = Duration.ofSeconds(15);
    private static final int WINDOWS = 4;
    private static final int CLIENTS = 4;
    private static final int THREADS = 8;
    private static final long LIMIT_REQUESTS = 120;
    private static final TokenUsage ESTIMATE = new TokenUsage(500, 300);
    private static final long LIMIT_TOKENS = 90 * ESTIMATE.total();
    private static final int DEMAND_FACTOR = 3;

    /** DynamoDB calls per wall-clock window, by what they were for. */
    private static final class Calls implements ExecutionInterceptor {
        final Map<Long, AtomicLongArray> byWindow = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            int kind;
            if (context.request() instanceof UpdateItemRequest u) {
                kind = u.updateExpression().startsWith("ADD #requests") ? 0 : 1;
            } else {
                kind = context.request() instanceof GetItemRequest ? 2 : 3;
            }
            byWindow.computeIfAbsent(windowIndex(Instant.now()), w -> new AtomicLongArray(4))
                    .incrementAndGet(kind);
        }
    }

    private static long windowIndex(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), WINDOW.toMillis());
    }

    @Test
    void demandAtThreeTimesTheLimit() throws Exception {
        Calls calls = new Calls();
        String table = LocalDynamoDb.TABLES.limits().name();
        List<DynamoDbClient> sdkClients = new ArrayList<>();
        List<RateLimiter> limiters = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            DynamoDbClient client = LocalDynamoDb.client(calls);
            sdkClients.add(client);
            limiters.add(new DynamoDbRateLimiter(
                    client,
                    new DynamoDbRateLimiter.Settings(table, WINDOW, Duration.ofMillis(250)),
                    Clock.systemUTC()));
        }
        String key = "bench:model-" + System.nanoTime();
        RateLimits limits = new RateLimits(LIMIT_REQUESTS, LIMIT_TOKENS, 0, 0);

        // Start on a window boundary so that every measured window sees the full demand.
        long first = windowIndex(Instant.now()) + 1;
        sleepUntil(Instant.ofEpochMilli(first * WINDOW.toMillis() + 20));
        Instant end = Instant.ofEpochMilli((first + WINDOWS) * WINDOW.toMillis());

        Map<Long, AtomicLong> admitted = new ConcurrentHashMap<>();
        Map<Long, AtomicLong> attempts = new ConcurrentHashMap<>();
        long perThreadIntervalMs = WINDOW.toMillis() * THREADS / (LIMIT_REQUESTS * DEMAND_FACTOR);
        ExecutorService demand = Executors.newFixedThreadPool(THREADS);
        ExecutorService modelCalls = Executors.newVirtualThreadPerTaskExecutor();
        for (int t = 0; t < THREADS; t++) {
            RateLimiter limiter = limiters.get(t % CLIENTS);
            long offset = perThreadIntervalMs * t / THREADS;
            demand.submit(() -> {
                Instant next = Instant.now().plusMillis(offset);
                while (next.isBefore(end)) {
                    sleepUntil(next);
                    next = next.plusMillis(perThreadIntervalMs);
                    attempts.computeIfAbsent(windowIndex(Instant.now()), w -> new AtomicLong())
                            .incrementAndGet();
                    if (limiter.tryAcquire(key, limits, ESTIMATE) instanceof RateLimiter.Admission.Granted g) {
                        admitted.computeIfAbsent(windowIndex(g.permit().window()), w -> new AtomicLong())
                                .incrementAndGet();
                        modelCalls.submit(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            sleepUntil(Instant.now().plusMillis(r.nextLong(200, 600)));
                            limiter.settle(g.permit(), new TokenUsage(r.nextLong(200, 300), r.nextLong(100, 200)));
                            return null;
                        });
                    }
                }
                return null;
            });
        }
        demand.shutdown();
        assertThat(demand.awaitTermination(WINDOWS * WINDOW.toSeconds() + 30, TimeUnit.SECONDS))
                .isTrue();
        modelCalls.shutdown();
        assertThat(modelCalls.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        System.out.printf(
                Locale.ROOT,
                "%nDynamoDbRateLimiter on dynalite: %d clients, %d threads, demand %dx, window %ss, limits %d requests"
                        + " and %d tokens per window, estimate %d tokens, actual ~%d%n",
                CLIENTS,
                THREADS,
                DEMAND_FACTOR,
                WINDOW.toSeconds(),
                LIMIT_REQUESTS,
                LIMIT_TOKENS,
                ESTIMATE.total(),
                ESTIMATE.total() / 2);
        System.out.println(
                "window  attempts  admitted/limit  ratio   tokens charged/limit  ratio   calls: acquire+read+settle"
                        + "  calls/admission");
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        long totalCalls = 0;
        long totalAdmitted = 0;
        for (long w = first; w < first + WINDOWS; w++) {
            long windowStart = w * WINDOW.toMillis();
            Map<String, AttributeValue> counters = sdkClients
                    .getFirst()
                    .getItem(b -> b.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS(key + "@" + windowStart)))
                            .consistentRead(true))
                    .item();
            long stored = Long.parseLong(counters.get("requests").n());
            long tokens = Long.parseLong(counters.get("tokens").n());
            long granted = admitted.getOrDefault(w, new AtomicLong()).get();
            assertThat(stored)
                    .as("the table agrees with what the clients were granted")
                    .isEqualTo(granted);
            AtomicLongArray c = calls.byWindow.getOrDefault(w, new AtomicLongArray(4));
            long windowCalls = c.get(0) + c.get(1) + c.get(2) + c.get(3);
            double ratio = (double) granted / LIMIT_REQUESTS;
            minRatio = Math.min(minRatio, ratio);
            maxRatio = Math.max(maxRatio, ratio);
            totalCalls += windowCalls;
            totalAdmitted += granted;
            System.out.printf(
                    Locale.ROOT,
                    "%6d  %8d  %6d/%-6d  %6.3f  %8d/%-8d      %6.3f  %5d = %d+%d+%d %22.2f%n",
                    w - first + 1,
                    attempts.getOrDefault(w, new AtomicLong()).get(),
                    granted,
                    LIMIT_REQUESTS,
                    ratio,
                    tokens,
                    LIMIT_TOKENS,
                    (double) tokens / LIMIT_TOKENS,
                    windowCalls,
                    c.get(0),
                    c.get(2),
                    c.get(1),
                    (double) windowCalls / Math.max(1, granted));
        }
        System.out.printf(
                Locale.ROOT,
                "admitted/limit: min %.3f, max %.3f (goal: >= 0.95 and never above 1.0: %s); "
                        + "DynamoDB calls per admission overall: %.2f%n%n",
                minRatio,
                maxRatio,
                minRatio >= 0.95 && maxRatio <= 1.0 ? "met" : "NOT met",
                (double) totalCalls / Math.max(1, totalAdmitted));
        sdkClients.forEach(DynamoDbClient::close);
        assertThat(maxRatio).as("never above the limit").isLessThanOrEqualTo(1.0);
    }

    private static void sleepUntil(Instant t) {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
