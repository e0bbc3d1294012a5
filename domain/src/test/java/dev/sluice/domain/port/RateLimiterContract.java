package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.TenantPolicy;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} must do. {@link #limiter} may be called several times for one test: each call is
 * another client (another Lambda instance) sharing the same backing state. Time is a {@link MutableClock} moved in
 * steps; at each step every asker asks concurrently, on a pool of threads, so that demand is many times the limit.
 */
public abstract class RateLimiterContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:10.250Z"));
    private final ExecutorService pool = Executors.newFixedThreadPool(6);

    protected abstract RateLimiter limiter(MutableClock clock);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static String key() {
        return "openai:test-" + System.nanoTime();
    }

    private static final TenantId A = new TenantId("tenant-a");
    private static final TenantId B = new TenantId("tenant-b");

    private static RateLimiter.Ask ask(String key, RateLimits limits, TokenUsage estimate) {
        return new RateLimiter.Ask(key, limits, estimate, A, TenantPolicy.DEFAULT, Priority.INTERACTIVE);
    }

    private static RateLimiter.Ask ask(
            String key, RateLimits limits, TokenUsage estimate, TenantId tenant, TenantPolicy policy, Priority p) {
        return new RateLimiter.Ask(key, limits, estimate, tenant, policy, p);
    }

    /** One source of demand: a client and what it asks for, {@code perStep} times at every step. */
    private record Asker(String name, RateLimiter client, Supplier<RateLimiter.Ask> ask, int perStep) {}

    /** A grant as the caller saw it. */
    private record Grant(String asker, Instant notBefore, TokenUsage estimate, RateLimiter.Permit permit, Instant at) {}

    /** Runs the askers for {@code length} in steps of {@code step}; {@code afterStep} sees each step's grants. */
    private List<Grant> simulate(
            Duration length, Duration step, List<Asker> askers, java.util.function.Consumer<List<Grant>> afterStep)
            throws Exception {
        List<Grant> all = new ArrayList<>();
        Instant end = clock.instant().plus(length);
        while (clock.instant().isBefore(end)) {
            List<Grant> granted = Collections.synchronizedList(new ArrayList<>());
            List<Callable<Void>> tasks = new ArrayList<>();
            for (Asker a : askers) {
                tasks.add(() -> {
                    for (int i = 0; i < a.perStep(); i++) {
                        RateLimiter.Ask ask = a.ask().get();
                        if (a.client().tryAcquire(ask) instanceof RateLimiter.Admission.Granted g) {
                            granted.add(new Grant(
                                    a.name(), g.permit().notBefore(), ask.estimate(), g.permit(), clock.instant()));
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
            afterStep.accept(granted);
            all.addAll(granted);
            clock.advance(step);
        }
        all.sort(Comparator.comparing(Grant::notBefore));
        return all;
    }

    private List<Grant> simulate(Duration length, Duration step, List<Asker> askers) throws Exception {
        return simulate(length, step, askers, g -> {});
    }

    /** The most grants (or estimated tokens) whose start falls in any interval of {@code length}. */
    private static long mostInAnyInterval(
            List<Grant> grants, Duration length, java.util.function.ToLongFunction<Grant> weight) {
        long most = 0;
        long sum = 0;
        ArrayDeque<Grant> window = new ArrayDeque<>();
        for (Grant g : grants) {
            window.addLast(g);
            sum += weight.applyAsLong(g);
            while (!window.peekFirst()
                    .notBefore()
                    .isAfter(g.notBefore().minus(length).minusNanos(1))) {
                sum -= weight.applyAsLong(window.pollFirst());
            }
            most = Math.max(most, sum);
        }
        return most;
    }

    @Test
    void overAnyIntervalRequestsStayWithinTheLimitPlusTheBurstAndTheLimitIsUsed() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0, Duration.ofSeconds(1));
        List<Asker> askers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            RateLimiter client = limiter(clock);
            for (int t = 0; t < 2; t++) {
                askers.add(new Asker("c" + c, client, () -> ask(key, limits, new TokenUsage(10, 10)), 3));
            }
        }
        // Demand: 18 asks every 50 ms = 360/s against a limit of 10/s.
        Instant started = clock.instant();
        List<Grant> grants = simulate(Duration.ofSeconds(30), Duration.ofMillis(50), askers);

        long burst = 10 + 1;
        for (long seconds : new long[] {1, 2, 5, 10, 30}) {
            assertThat(mostInAnyInterval(grants, Duration.ofSeconds(seconds), g -> 1))
                    .as("requests started in any %d s interval", seconds)
                    .isLessThanOrEqualTo(10 * seconds + burst);
        }
        long inRun = grants.stream()
                .filter(g -> g.notBefore().isBefore(started.plusSeconds(30)))
                .count();
        assertThat(inRun).as("the limit is used, not wasted").isGreaterThanOrEqualTo(285);
        for (Grant g : grants) {
            assertThat(g.notBefore()).isBeforeOrEqualTo(g.at().plus(grantsWaitAtMost(askers)));
        }
    }

    private static Duration grantsWaitAtMost(List<Asker> askers) {
        return askers.getFirst().client().maxWait();
    }

    @Test
    void overAnyIntervalTokensStayWithinTheLimitPlusTheBurstInEveryDimension() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(0, 60_000, 0, 30_000, Duration.ofSeconds(1));
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<Asker> askers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            RateLimiter client = limiter(clock);
            askers.add(new Asker(
                    "c" + c,
                    client,
                    () -> {
                        synchronized (random) {
                            return ask(key, limits, new TokenUsage(random.nextLong(50, 300), random.nextLong(20, 200)));
                        }
                    },
                    4));
        }
        List<Grant> grants = simulate(Duration.ofSeconds(20), Duration.ofMillis(50), askers);
        for (long seconds : new long[] {1, 3, 10, 20}) {
            assertThat(mostInAnyInterval(
                            grants,
                            Duration.ofSeconds(seconds),
                            g -> g.estimate().total()))
                    .as("tokens started in any %d s interval", seconds)
                    .isLessThanOrEqualTo(1_000 * seconds + 1_000 + 500);
            assertThat(mostInAnyInterval(
                            grants,
                            Duration.ofSeconds(seconds),
                            g -> g.estimate().output()))
                    .as("output tokens started in any %d s interval", seconds)
                    .isLessThanOrEqualTo(500 * seconds + 500 + 200);
        }
        long tokens = grants.stream().mapToLong(g -> g.estimate().total()).sum();
        long output = grants.stream().mapToLong(g -> g.estimate().output()).sum();
        assertThat(Math.max(tokens / 20_000.0, output / 10_000.0))
                .as("the binding limit is used")
                .isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aDenialSaysWhenToComeBackAndThatIsEnough() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(2, 0, 0, 0);
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        var denied = limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1)));
        assertThat(denied).isInstanceOf(RateLimiter.Admission.Denied.class);
        Duration retryAfter = ((RateLimiter.Admission.Denied) denied).retryAfter();
        assertThat(retryAfter).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(((RateLimiter.Admission.Denied) denied).reason()).contains("requests per minute limit 2");
        clock.advance(retryAfter);
        var granted = limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1)));
        assertThat(granted).isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(((RateLimiter.Admission.Granted) granted).permit().notBefore())
                .isBeforeOrEqualTo(clock.instant().plus(limiter.maxWait()));
    }

    @Test
    void tokensAreReservedByEstimateAndSettledByRealUsage() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var first = limiter.tryAcquire(ask(key, limits, new TokenUsage(300, 300)));
        assertThat(first).isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(300, 300))))
                .as("600 of 1000 tokens per minute are reserved for the next 36 s")
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        limiter.settle(((RateLimiter.Admission.Granted) first).permit(), new TokenUsage(20, 10));
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(300, 300))))
                .as("the call used 30 tokens: the rest is given back")
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void inputAndOutputTokensAreLimitedSeparatelyWhenConfigured() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(0, 0, 1000, 100);
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(900, 50))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        var denied = limiter.tryAcquire(ask(key, limits, new TokenUsage(50, 60)));
        assertThat(denied).isInstanceOf(RateLimiter.Admission.Denied.class);
        assertThat(((RateLimiter.Admission.Denied) denied).reason()).contains("output");
    }

    @Test
    void anEstimateAboveAMinutesLimitIsRefusedAsSuch() {
        RateLimiter limiter = limiter(clock);
        var denied = limiter.tryAcquire(ask(key(), new RateLimits(0, 1000, 0, 0), new TokenUsage(900, 200)));
        assertThat(denied).isInstanceOf(RateLimiter.Admission.Denied.class);
        assertThat(((RateLimiter.Admission.Denied) denied).reason()).contains("can never be granted");
    }

    @Test
    void keysAreIndependent() {
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(1, 0, 0, 0);
        assertThat(limiter.tryAcquire(ask(key(), limits, new TokenUsage(1, 1))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
        assertThat(limiter.tryAcquire(ask(key(), limits, new TokenUsage(1, 1))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void anIdleKeyRefills() {
        String key = key();
        RateLimiter limiter = limiter(clock);
        RateLimits limits = new RateLimits(1, 0, 0, 0);
        limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1)));
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1))))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.tryAcquire(ask(key, limits, new TokenUsage(1, 1))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void aTenantArrivingAtAKeyAnotherFloodsIsGrantedWithinTheWait() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        List<Asker> flood = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            RateLimiter client = limiter(clock);
            flood.add(new Asker(
                    "a",
                    client,
                    () -> ask(key, limits, new TokenUsage(5, 5), A, TenantPolicy.DEFAULT, Priority.BATCH),
                    4));
        }
        simulate(Duration.ofSeconds(5), Duration.ofMillis(50), flood);
        RateLimiter other = limiter(clock);
        List<Asker> both = new ArrayList<>(flood);
        both.add(new Asker(
                "b", other, () -> ask(key, limits, new TokenUsage(5, 5), B, TenantPolicy.DEFAULT, Priority.BATCH), 1));
        List<Grant> grants = simulate(Duration.ofSeconds(10), Duration.ofMillis(500), both);
        List<Grant> b = grants.stream().filter(g -> g.asker().equals("b")).toList();
        assertThat(b)
                .as("tenant b asked 20 times at 1 per 500 ms, well under an equal share")
                .hasSizeGreaterThanOrEqualTo(18);
        for (Grant g : b) {
            assertThat(Duration.between(g.at(), g.notBefore())).isLessThanOrEqualTo(other.maxWait());
        }
    }

    @Test
    void tenantsFloodingOneKeyShareItByWeight() throws Exception {
        for (double weightA : new double[] {1, 2}) {
            String key = key();
            RateLimits limits = new RateLimits(600, 0, 0, 0);
            TenantPolicy a = new TenantPolicy(weightA, RateLimits.NONE);
            List<Asker> askers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                RateLimiter client = limiter(clock);
                askers.add(
                        new Asker("a", client, () -> ask(key, limits, new TokenUsage(5, 5), A, a, Priority.BATCH), 4));
                askers.add(new Asker(
                        "b",
                        client,
                        () -> ask(key, limits, new TokenUsage(5, 5), B, TenantPolicy.DEFAULT, Priority.BATCH),
                        4));
            }
            List<Grant> grants = simulate(Duration.ofSeconds(30), Duration.ofMillis(50), askers);
            long toA = grants.stream().filter(g -> g.asker().equals("a")).count();
            long toB = grants.size() - toA;
            double ratio = (double) toA / toB;
            assertThat(ratio)
                    .as("a (weight %s) got %d, b (weight 1) got %d", weightA, toA, toB)
                    .isBetween(weightA * 0.75, weightA * 1.35);
            assertThat(grants.size()).as("together they use the limit").isGreaterThanOrEqualTo(280);
        }
    }

    @Test
    void aTenantsInteractiveWorkGoesBeforeItsBatchWork() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        List<Asker> askers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            RateLimiter client = limiter(clock);
            askers.add(new Asker(
                    "batch",
                    client,
                    () -> ask(key, limits, new TokenUsage(5, 5), A, TenantPolicy.DEFAULT, Priority.BATCH),
                    6));
        }
        RateLimiter client = limiter(clock);
        askers.add(new Asker(
                "interactive",
                client,
                () -> ask(key, limits, new TokenUsage(5, 5), A, TenantPolicy.DEFAULT, Priority.INTERACTIVE),
                1));
        List<Grant> grants = simulate(Duration.ofSeconds(10), Duration.ofMillis(100), askers);
        long interactive =
                grants.stream().filter(g -> g.asker().equals("interactive")).count();
        assertThat(interactive)
                .as("asked 100 times, once per 100 ms, against a pace of 10/s")
                .isGreaterThanOrEqualTo(95);
    }

    @Test
    void aLaneFarBeyondItsLimitIsToldToComeBackLaterAndAnotherTenantIsNot() {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        RateLimiter limiter = limiter(clock);
        Duration lastToA = Duration.ZERO;
        int askedB = 0;
        int grantedB = 0;
        // Tenant a: a backlog asking 30 times per 100 ms against a pace of 10/s; tenant b: one ask per second.
        for (int step = 0; step < 300; step++) {
            for (int i = 0; i < 30; i++) {
                if (limiter.tryAcquire(ask(key, limits, new TokenUsage(5, 5), A, TenantPolicy.DEFAULT, Priority.BATCH))
                        instanceof RateLimiter.Admission.Denied d) {
                    lastToA = d.retryAfter();
                }
            }
            if (step % 10 == 0) {
                askedB++;
                var toB = limiter.tryAcquire(
                        ask(key, limits, new TokenUsage(5, 5), B, TenantPolicy.DEFAULT, Priority.BATCH));
                if (toB instanceof RateLimiter.Admission.Granted) {
                    grantedB++;
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(lastToA)
                .as("asking 300 times per second for 10 grants, a's work is told to come back much later")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(grantedB).as("b asked %d times", askedB).isGreaterThanOrEqualTo(askedB - 2);
        // A lane silent for a while starts afresh.
        clock.advance(Duration.ofSeconds(11));
        var again = limiter.tryAcquire(ask(key, limits, new TokenUsage(5, 5), A, TenantPolicy.DEFAULT, Priority.BATCH));
        assertThat(again).isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void aQuotaCapsItsTenantAlone() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        TenantPolicy capped = new TenantPolicy(1, new RateLimits(60, 0, 0, 0));
        RateLimiter client = limiter(clock);
        List<Asker> askers = List.of(
                new Asker("a", client, () -> ask(key, limits, new TokenUsage(5, 5), A, capped, Priority.BATCH), 4),
                new Asker(
                        "b",
                        client,
                        () -> ask(key, limits, new TokenUsage(5, 5), B, TenantPolicy.DEFAULT, Priority.BATCH),
                        4));
        Instant end = clock.instant().plusSeconds(20);
        List<Grant> grants = simulate(Duration.ofSeconds(20), Duration.ofMillis(50), askers).stream()
                .filter(g -> g.notBefore().isBefore(end))
                .toList();
        long toA = grants.stream().filter(g -> g.asker().equals("a")).count();
        assertThat(toA).as("60 per minute for 20 s, plus the burst").isBetween(15L, 22L);
        assertThat(grants.size() - toA).as("the other tenant gets the rest").isGreaterThanOrEqualTo(150);
    }

    @Test
    void aRefusalSlowsEveryClientAndThePaceRecoversWhenRefusalsStop() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        RateLimiter one = limiter(clock);
        RateLimiter two = limiter(clock);
        List<Asker> askers = List.of(new Asker("two", two, () -> ask(key, limits, new TokenUsage(5, 5)), 6));
        long before =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        // A limit spent for a while: the provider says come back in 20 s.
        one.observe(key, limits, new RateLimiter.Signal.Refused(Duration.ofSeconds(20)));
        clock.advance(Duration.ofSeconds(21));
        long after =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        assertThat(after).as("before the refusal %d in 10 s", before).isLessThan((long) (before * 0.75));
        clock.advance(Duration.ofMinutes(12));
        long recovered =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        assertThat(recovered).isGreaterThanOrEqualTo((long) (before * 0.95));
    }

    @Test
    void anIsolatedShortRefusalHoldsForItsRetryAfterButKeepsThePace() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        RateLimiter one = limiter(clock);
        RateLimiter two = limiter(clock);
        List<Asker> askers = List.of(new Asker("two", two, () -> ask(key, limits, new TokenUsage(5, 5)), 6));
        long before =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        // One call overran a per-second quantum: come back in a second.
        one.observe(key, limits, new RateLimiter.Signal.Refused(Duration.ofSeconds(1)));
        var held = two.tryAcquire(ask(key, limits, new TokenUsage(5, 5)));
        assertThat(held instanceof RateLimiter.Admission.Denied
                        || ((RateLimiter.Admission.Granted) held)
                                .permit()
                                .notBefore()
                                .isAfter(clock.instant().plusMillis(900)))
                .as("every client holds for the retry-after")
                .isTrue();
        clock.advance(Duration.ofSeconds(3));
        long after =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        assertThat(after).as("before the refusal %d in 10 s", before).isGreaterThanOrEqualTo((long) (before * 0.95));
    }

    @Test
    void shortRefusalsThatRecurCutThePaceOfEveryClient() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        RateLimiter one = limiter(clock);
        RateLimiter two = limiter(clock);
        RateLimiter three = limiter(clock);
        List<Asker> askers = List.of(new Asker("three", three, () -> ask(key, limits, new TokenUsage(5, 5)), 6));
        long before =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        one.observe(key, limits, new RateLimiter.Signal.Refused(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(6));
        two.observe(key, limits, new RateLimiter.Signal.Refused(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(2));
        long after =
                simulate(Duration.ofSeconds(10), Duration.ofMillis(50), askers).size();
        assertThat(after)
                .as("a second short refusal 6 s after the first, on another client (before: %d in 10 s)", before)
                .isLessThan((long) (before * 0.9));
    }

    @Test
    void limitsTheProviderReportsCapTheConfiguredOnes() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        RateLimiter one = limiter(clock);
        RateLimiter two = limiter(clock);
        one.observe(key, limits, new RateLimiter.Signal.Reported(new ProviderLimits(300, 0, 0, 0)));
        List<Grant> grants = simulate(
                Duration.ofSeconds(60),
                Duration.ofMillis(100),
                List.of(new Asker("two", two, () -> ask(key, limits, new TokenUsage(5, 5)), 6)));
        assertThat(mostInAnyInterval(grants, Duration.ofSeconds(60), g -> 1))
                .as("paced at 95% of the reported 300 per minute")
                .isBetween(270L, 300L);
    }

    @Test
    void aLimitConfiguredTwiceTooHighConvergesInsteadOfBeingRefusedForever() throws Exception {
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        List<RateLimiter> clients = List.of(limiter(clock), limiter(clock));
        // The provider's real limit: 300 in any sliding minute, and it says nothing about it but 429.
        ArrayDeque<Instant> providerWindow = new ArrayDeque<>();
        long[] refusedByMinute = new long[10];
        long[] callsByMinute = new long[10];
        Instant start = clock.instant();
        List<Asker> askers = new ArrayList<>();
        for (RateLimiter c : clients) {
            askers.add(new Asker("c", c, () -> ask(key, limits, new TokenUsage(5, 5)), 6));
        }
        java.util.PriorityQueue<Grant> pending = new java.util.PriorityQueue<>(Comparator.comparing(Grant::notBefore));
        simulate(Duration.ofMinutes(10), Duration.ofMillis(250), askers, granted -> {
            pending.addAll(granted);
            Instant now = clock.instant().plusMillis(250);
            while (!pending.isEmpty() && pending.peek().notBefore().isBefore(now)) {
                Grant g = pending.poll();
                while (!providerWindow.isEmpty()
                        && !providerWindow.peekFirst().isAfter(g.notBefore().minusSeconds(60))) {
                    providerWindow.pollFirst();
                }
                int minute = (int) Duration.between(start, g.notBefore()).toMinutes();
                if (minute >= 10) {
                    continue;
                }
                callsByMinute[minute]++;
                RateLimiter client = clients.get(Math.floorMod(g.permit().hashCode(), clients.size()));
                if (providerWindow.size() >= 300) {
                    refusedByMinute[minute]++;
                    client.settle(g.permit(), TokenUsage.ZERO);
                    // As a provider counting a sliding minute says: when its oldest call leaves the window.
                    Duration retryAfter = Duration.between(
                            g.notBefore(), providerWindow.peekFirst().plusSeconds(60));
                    client.observe(key, limits, new RateLimiter.Signal.Refused(retryAfter));
                } else {
                    providerWindow.addLast(g.notBefore());
                    client.settle(g.permit(), g.estimate());
                }
            }
        });
        long calls = java.util.Arrays.stream(callsByMinute).sum();
        long refused = java.util.Arrays.stream(refusedByMinute).sum();
        long lastFive = java.util.Arrays.stream(refusedByMinute, 5, 10).sum();
        long lastFiveCalls = java.util.Arrays.stream(callsByMinute, 5, 10).sum();
        assertThat((double) refused / calls)
                .as(
                        "refused %s of calls %s per minute",
                        java.util.Arrays.toString(refusedByMinute), java.util.Arrays.toString(callsByMinute))
                .isLessThan(0.03);
        assertThat(lastFive).as("refusals in the last five minutes").isLessThanOrEqualTo(lastFiveCalls / 200);
        assertThat(lastFiveCalls).as("and the real limit is still used").isGreaterThanOrEqualTo((long) (5 * 300 * 0.8));
    }
}
