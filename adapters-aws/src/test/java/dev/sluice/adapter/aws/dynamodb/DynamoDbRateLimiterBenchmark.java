package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.TenantPolicy;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Drives {@link DynamoDbRateLimiter} on dynalite with demand at three times the limit, from eight threads on four
 * clients, for a minute of wall-clock time, and prints what was admitted against the limit over sliding intervals
 * and how many DynamoDB calls each admission cost. Not part of {@code verify}; run it with:
 *
 * <pre>./mvnw -B -pl adapters-aws -am test -Dtest=DynamoDbRateLimiterBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Each granted request starts at its grant's {@code notBefore}, "calls the model" for 200-600 ms and settles real
 * usage of about half its estimate, so the token limit binds on estimates unless settling gives the unused tokens
 * back: the requests limit can only be reached through settlement.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbRateLimiterBenchmark {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final int CLIENTS = 4;
    private static final int THREADS = 8;
    private static final long RPM = 480;
    private static final TokenUsage ESTIMATE = new TokenUsage(500, 300);
    private static final long TPM = 6 * 60 * ESTIMATE.total(); // estimates alone would stop at 6 of the 8 per second
    private static final int DEMAND_FACTOR = 3;

    /** DynamoDB calls by what they were for. */
    private static final class Calls implements ExecutionInterceptor {
        final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String kind;
            if (context.request() instanceof UpdateItemRequest u) {
                String e = u.updateExpression();
                kind = e.contains("#clock + :inc") || e.contains("#clock = :clock")
                        ? "book"
                        : e.contains(":refund") ? "settle" : "correct";
            } else {
                kind = context.request().getClass().getSimpleName().replace("Request", "");
            }
            byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (context.exception() instanceof ConditionalCheckFailedException) {
                byKind.computeIfAbsent("conditions failed", k -> new AtomicLong())
                        .incrementAndGet();
            }
        }

        long total() {
            return byKind.entrySet().stream()
                    .filter(e -> !e.getKey().equals("conditions failed"))
                    .mapToLong(e -> e.getValue().get())
                    .sum();
        }
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
            limiters.add(new DynamoDbRateLimiter(client, DynamoDbRateLimiter.Settings.of(table), Clock.systemUTC()));
        }
        String key = "bench:model-" + System.nanoTime();
        RateLimits limits = new RateLimits(RPM, TPM, 0, 0);
        RateLimiter.Ask ask =
                new RateLimiter.Ask(key, limits, ESTIMATE, new TenantId("bench"), TenantPolicy.DEFAULT, Priority.BATCH);

        List<Instant> starts = Collections.synchronizedList(new ArrayList<>());
        AtomicLong attempts = new AtomicLong();
        Instant begin = Instant.now();
        Instant end = begin.plus(RUN);
        long perThreadIntervalMicros = 60_000_000L * THREADS / (RPM * DEMAND_FACTOR);
        ExecutorService demand = Executors.newFixedThreadPool(THREADS);
        ExecutorService modelCalls = Executors.newVirtualThreadPerTaskExecutor();
        for (int t = 0; t < THREADS; t++) {
            RateLimiter limiter = limiters.get(t % CLIENTS);
            long offset = perThreadIntervalMicros * t / THREADS;
            demand.submit(() -> {
                Instant next = Instant.now().plusNanos(offset * 1000);
                while (next.isBefore(end)) {
                    sleepUntil(next);
                    next = next.plusNanos(perThreadIntervalMicros * 1000);
                    attempts.incrementAndGet();
                    if (limiter.tryAcquire(ask) instanceof RateLimiter.Admission.Granted g) {
                        modelCalls.submit(() -> {
                            sleepUntil(g.permit().notBefore());
                            starts.add(Instant.now());
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
        assertThat(demand.awaitTermination(RUN.toSeconds() + 30, TimeUnit.SECONDS))
                .isTrue();
        modelCalls.shutdown();
        assertThat(modelCalls.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        List<Instant> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        long inRun = sorted.stream().filter(s -> s.isBefore(end)).count();
        System.out.printf(
                Locale.ROOT,
                "%nDynamoDbRateLimiter on dynalite: %d clients, %d threads, demand %dx (%d asks), %d s, limits %d RPM"
                        + " and %d TPM, estimate %d tokens, actual ~%d%n",
                CLIENTS,
                THREADS,
                DEMAND_FACTOR,
                attempts.get(),
                RUN.toSeconds(),
                RPM,
                TPM,
                ESTIMATE.total(),
                ESTIMATE.total() / 2);
        double perSecond = RPM / 60.0;
        System.out.printf(
                Locale.ROOT,
                "calls started during the run: %d of %.0f the limit allows (%.3f)%n",
                inRun,
                perSecond * RUN.toSeconds(),
                inRun / (perSecond * RUN.toSeconds()));
        long burst = (long) Math.ceil(perSecond * RateLimits.DEFAULT_BURST.toSeconds()) + 1;
        boolean within = true;
        for (long seconds : new long[] {1, 5, 10, 30, 60}) {
            long most = mostIn(sorted, Duration.ofSeconds(seconds));
            long bound = (long) (perSecond * seconds) + burst;
            within &= most <= bound + 1; // +1: a start measured by this thread's wake-up, not by its grant
            System.out.printf(
                    Locale.ROOT,
                    "  most calls started in any %2d s: %4d   (limit x L/60 + burst = %d)%n",
                    seconds,
                    most,
                    bound);
        }
        long least = leastIn(sorted, Duration.ofSeconds(10), begin.plusSeconds(5), end);
        System.out.printf(
                Locale.ROOT,
                "  fewest calls started in any 10 s after the first 5 s: %d of %.0f (%.3f)%n",
                least,
                perSecond * 10,
                least / (perSecond * 10));
        System.out.println("DynamoDB calls by kind: " + new TreeMap<>(calls.byKind));
        System.out.printf(
                Locale.ROOT,
                "DynamoDB calls per admission, settle included: %.2f   (goal <= 1.3; on AWS a failed booking returns the"
                        + " item and spares the GetItem: %.2f)%n%n",
                (double) calls.total() / Math.max(1, sorted.size()),
                (double) (calls.total()
                                - calls.byKind
                                        .getOrDefault("GetItem", new AtomicLong())
                                        .get())
                        / Math.max(1, sorted.size()));
        sdkClients.forEach(DynamoDbClient::close);
        assertThat(within)
                .as("never above the limit plus the burst over any interval")
                .isTrue();
    }

    private static long mostIn(List<Instant> sorted, Duration length) {
        long most = 0;
        int from = 0;
        for (int to = 0; to < sorted.size(); to++) {
            while (!sorted.get(from).isAfter(sorted.get(to).minus(length))) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    private static long leastIn(List<Instant> sorted, Duration length, Instant from, Instant until) {
        long least = Long.MAX_VALUE;
        for (Instant t = from; !t.plus(length).isAfter(until); t = t.plusMillis(100)) {
            Instant a = t;
            Instant b = t.plus(length);
            least = Math.min(
                    least,
                    sorted.stream().filter(s -> !s.isBefore(a) && s.isBefore(b)).count());
        }
        return least;
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
