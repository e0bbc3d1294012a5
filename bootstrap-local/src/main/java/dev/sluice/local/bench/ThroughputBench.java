package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.eventbridge.EventBusStandIn;
import dev.sluice.emulators.llm.ChatOutcome;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.emulators.llm.RateCounting;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code sluice bench throughput}: sustained overload of one model, to measure admission. {@code rpm × minutes}
 * {@code classify} jobs are submitted at three times sluice's limit, so work waits for admission for about
 * {@code minutes}; the simulated provider enforces its own limits (its real ones: sluice's × {@code realLimit}),
 * counted as {@code counting} says, so admission that is too loose shows as provider 429s and admission that is too
 * tight as answers below the limit over sliding minutes. It also counts the limiter's DynamoDB calls per admission.
 *
 * <p>With {@code fairness}, tenant {@code tenant-a} floods the model with batch jobs while tenant {@code tenant-b}
 * submits one interactive job every 5 seconds; B's time from submission to its end is what is measured.
 */
public final class ThroughputBench {
    /** The model id the {@code fast} alias calls (sluice.yaml: {@code SLUICE_FAST_MODEL}, default gpt-4o-mini). */
    private static final String MODEL = "gpt-4o-mini";

    private static final String TENANT = "bench";
    private static final String TENANT_A = "tenant-a";
    private static final String TENANT_B = "tenant-b";
    private static final int FAIRNESS_JOBS = 2_000;
    private static final Duration B_EVERY = Duration.ofSeconds(5);
    private static final Duration B_POLL = Duration.ofMillis(100);
    private static final String ANSWER = "{\"label\": \"billing\", \"confidence\": 0.92}";
    private static final int BATCH_ITEMS = 25;
    /** Demand as a multiple of sluice's limit. */
    private static final int OVERLOAD = 3;

    private static final long MINUTE_MS = 60_000;

    /**
     * @param counting how the simulated provider counts its limits
     * @param minutes how long the overload lasts: {@code rpm × minutes} jobs, submitted over a third of that
     * @param jobs jobs to run instead of {@code rpm × minutes} (with {@code fairness}: tenant A's, default 2,000); 0
     *     for the default
     * @param rpm sluice's requests-per-minute limit for the {@code fast} model
     * @param tpm sluice's tokens-per-minute limit for it
     * @param realLimit the simulated provider's own limits as a multiple of sluice's
     * @param fairness tenant A's batch flood against tenant B's interactive jobs instead of a single tenant
     */
    public record Settings(
            RateCounting counting,
            int minutes,
            int jobs,
            long rpm,
            long tpm,
            double realLimit,
            Duration latency,
            boolean fairness) {
        /** Jobs tenant A (or the single tenant) submits. */
        int mainJobs() {
            if (jobs > 0) {
                return jobs;
            }
            return fairness ? FAIRNESS_JOBS : (int) Math.min(Integer.MAX_VALUE, rpm * minutes);
        }
    }

    private final PrintStream out;
    private final Settings settings;

    public ThroughputBench(PrintStream out, Settings settings) {
        this.out = out;
        this.settings = settings;
    }

    public boolean run(Path home) throws Exception {
        // The bundled sluice.yaml reads these placeholders; set before the functions load their configuration.
        System.setProperty("SLUICE_FAST_RPM", Long.toString(settings.rpm()));
        System.setProperty("SLUICE_FAST_TPM", Long.toString(settings.tpm()));
        try {
            return measure(home);
        } finally {
            TableCallCounter.stop();
            System.clearProperty("SLUICE_FAST_RPM");
            System.clearProperty("SLUICE_FAST_TPM");
        }
    }

    private boolean measure(Path home) throws Exception {
        LocalSluice.Options d = LocalSluice.Options.defaults(home);
        long providerRpm = Math.round(settings.rpm() * settings.realLimit());
        long providerTpm = Math.round(settings.tpm() * settings.realLimit());
        int mainJobs = settings.mainJobs();
        try (LocalSluice local = LocalSluice.start(new LocalSluice.Options(
                home,
                0,
                settings.latency(),
                0,
                d.workVisibility(),
                d.processorConcurrency(),
                d.processorBatchSize()))) {
            local.simulator()
                    .configure(
                            MODEL,
                            ModelBehaviour.DEFAULT
                                    .withLatency(Latency.ofMillis(
                                            settings.latency().toMillis(),
                                            settings.latency().toMillis() * 3))
                                    .withScript(ANSWER)
                                    .withLimits(providerRpm, providerTpm)
                                    .withCounting(settings.counting()));
            String limitsTable = local.properties().get("SLUICE_LIMITS_TABLE");
            if (limitsTable == null || limitsTable.isBlank()) {
                throw new IllegalStateException("the local runtime named no limits table (SLUICE_LIMITS_TABLE)");
            }
            TableCallCounter.count(limitsTable);

            String mode = settings.counting().name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (settings.fairness()) {
                out.println(f(
                        "fairness: %s submits %d classify jobs in batches as fast as they are accepted; %s one"
                                + " interactive job every %d s while %s's work lasts",
                        TENANT_A, mainJobs, TENANT_B, B_EVERY.toSeconds(), TENANT_A));
            } else {
                out.println(f(
                        "%d classify jobs submitted at %dx sluice's limit (%d per minute, over %.1f min): about %.1f"
                                + " min of sustained overload",
                        mainJobs,
                        OVERLOAD,
                        OVERLOAD * settings.rpm(),
                        (double) mainJobs / (OVERLOAD * settings.rpm()),
                        (double) mainJobs / Math.min(settings.rpm(), providerRpm)));
            }
            out.println(f(
                    "sluice limits for 'fast': %d RPM, %d TPM; the simulated provider's own (x %.2f): %d RPM, %d TPM,"
                            + " counted %s; model latency %d ms median",
                    settings.rpm(),
                    settings.tpm(),
                    settings.realLimit(),
                    providerRpm,
                    providerTpm,
                    mode,
                    settings.latency().toMillis()));
            out.println(f(
                    "processor as the SQS event source runs it: batch %d, maximum concurrency %d; limits table %s",
                    d.processorBatchSize(), d.processorConcurrency(), limitsTable));

            long t0 = System.nanoTime();
            Run run = settings.fairness() ? fairness(local, mainJobs, t0) : sustained(local, mainJobs, t0);
            double wall = seconds(t0);
            // The finalizer's last invocations finish before the counters are read.
            DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofMinutes(1));
            TableCallCounter.stop();

            Outcomes outcomes = Outcomes.NONE;
            for (Map.Entry<ApiClient, List<String>> ids : run.jobIds().entrySet()) {
                outcomes = outcomes.plus(outcomes(ids.getKey(), ids.getValue()));
            }
            long submitted =
                    run.jobIds().values().stream().mapToLong(List::size).sum();
            long lost = submitted - outcomes.succeeded() - outcomes.failed();
            long dlq = local.depth(local.deadLetterQueueUrl(QueueRole.WORK))
                    + local.depth(local.deadLetterQueueUrl(QueueRole.FINALIZE))
                    + local.depth(local.deadLetterQueueUrl(QueueRole.INGEST));
            List<ChatOutcome> calls = local.simulator().chatOutcomes(MODEL);
            long allChatCalls = local.simulator().outcomes().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long otherCalls = allChatCalls - calls.size();

            out.println();
            double tokensPerCall = meanTokens(outcomes);
            long rpmInForce = Math.min(settings.rpm(), providerRpm);
            long tpmInForce = Math.min(settings.tpm(), providerTpm);
            boolean tokensBind = tokensPerCall * rpmInForce > tpmInForce;
            out.println(f(
                    "limit in force: %d RPM = min(sluice %d, provider %d: %s), %d TPM = min(sluice %d, provider %d:"
                            + " %s); binding: %s (%.0f tokens per call: %d RPM use %.0f TPM)",
                    rpmInForce,
                    settings.rpm(),
                    providerRpm,
                    bindingSide(settings.rpm(), providerRpm),
                    tpmInForce,
                    settings.tpm(),
                    providerTpm,
                    bindingSide(settings.tpm(), providerTpm),
                    tokensBind ? "tokens" : "requests",
                    tokensPerCall,
                    rpmInForce,
                    tokensPerCall * rpmInForce));
            printSlidingMinutes(calls, rpmInForce, tpmInForce, tokensPerCall, tokensBind);
            print429s(calls);
            if (otherCalls > 0) {
                out.println(f("other models called (fallbacks): %d calls", otherCalls));
            }
            if (run.interactive() != null) {
                printInteractive(run.interactive());
            }
            out.println(f("messages in dead-letter queues: %d   (goal 0)", dlq));
            out.println(f(
                    "jobs: %d SUCCEEDED, %d FAILED, %d lost   (lost must be 0)%s",
                    outcomes.succeeded(),
                    outcomes.failed(),
                    lost,
                    outcomes.failureReasons().isEmpty() ? "" : "; failure reasons: " + outcomes.failureReasons()));
            out.println(f(
                    "tokens per model call (actual, median): %.0f; model answers %d, cache hits %d",
                    medianTokens(outcomes), outcomes.modelAnswers(), outcomes.cacheHits()));
            printLimiterCalls(allChatCalls);
            out.println(f(
                    "wall time: %.1f s from the first submission to the last job's end (%.1f jobs/s)",
                    wall, submitted / wall));
            return lost == 0;
        }
    }

    /** What a run submitted (job ids per owner's client) and, with fairness, B's times. */
    private record Run(Map<ApiClient, List<String>> jobIds, Interactive interactive) {}

    /** Tenant B's interactive jobs: submit-to-end seconds of each that ended, and how many did not. */
    private record Interactive(List<Double> seconds, long failed, long unfinished) {}

    /** {@code jobs} for one tenant, submitted at {@value #OVERLOAD}x sluice's limit. */
    private Run sustained(LocalSluice local, int jobs, long t0) throws Exception {
        ApiClient api = new ApiClient(local.api(), TENANT);
        double perBatchMs = BATCH_ITEMS * (double) MINUTE_MS / (OVERLOAD * settings.rpm());
        List<String> batches;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<String>> submission = threads.submit(() -> submit(api, jobs, "Ticket ", t0, perBatchMs));
            awaitEnd(local, Map.of(TENANT, (long) jobs), t0, jobs, submission::isDone, null);
            batches = submission.get();
        }
        return new Run(Map.of(api, jobIds(api, batches)), null);
    }

    /** Tenant A's batch flood, with tenant B's interactive jobs every 5 s until A's work has ended. */
    private Run fairness(LocalSluice local, int jobs, long t0) throws Exception {
        ApiClient a = new ApiClient(local.api(), TENANT_A);
        ApiClient b = new ApiClient(local.api(), TENANT_B);
        List<String> bIds = Collections.synchronizedList(new ArrayList<>());
        List<Double> bSeconds = Collections.synchronizedList(new ArrayList<>());
        AtomicLong bFailed = new AtomicLong();
        AtomicLong bUnfinished = new AtomicLong();
        AtomicBoolean aEnded = new AtomicBoolean();
        List<String> batches;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<String>> submission = threads.submit(() -> submit(a, jobs, "Ticket A-", t0, 0));
            Future<?> interactive = threads.submit(() -> {
                List<Future<?>> polls = new ArrayList<>();
                for (int i = 0; !aEnded.get(); i++) {
                    int n = i;
                    polls.add(threads.submit(() -> interactiveJob(b, n, bIds, bSeconds, bFailed, bUnfinished)));
                    Thread.sleep(B_EVERY);
                }
                for (Future<?> p : polls) {
                    p.get();
                }
                return null;
            });
            Interactive progress = new Interactive(bSeconds, 0, 0);
            awaitEnd(local, Map.of(TENANT_A, (long) jobs), t0, jobs, submission::isDone, progress);
            aEnded.set(true);
            interactive.get();
            batches = submission.get();
        }
        return new Run(
                Map.of(a, jobIds(a, batches), b, List.copyOf(bIds)),
                new Interactive(List.copyOf(bSeconds), bFailed.get(), bUnfinished.get()));
    }

    /** One of tenant B's jobs: submitted, then read every 100 ms until it has ended. */
    private Void interactiveJob(
            ApiClient b, int n, List<String> ids, List<Double> seconds, AtomicLong failed, AtomicLong unfinished)
            throws InterruptedException {
        long start = System.nanoTime();
        ApiClient.Reply reply = b.post(
                "/v1/jobs",
                Map.of(
                        "pipeline",
                        "classify",
                        "input",
                        Map.of("text", "Ticket B-" + n + ": the export button does nothing since this morning.")));
        if (reply.status() != 202) {
            throw new IllegalStateException("job refused: HTTP " + reply.status() + " " + reply.body());
        }
        String id = reply.body().path("jobId").asText();
        ids.add(id);
        long deadline = start + timeout().toNanos();
        while (System.nanoTime() < deadline) {
            String status = b.get("/v1/jobs/" + id).body().path("status").asText();
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                seconds.add(seconds(start));
                if (status.equals("FAILED")) {
                    failed.incrementAndGet();
                }
                return null;
            }
            Thread.sleep(B_POLL);
        }
        unfinished.incrementAndGet();
        return null;
    }

    /**
     * Submits in batches of 25, at most four at a time, as a client would; batch {@code k} not before {@code k ×
     * perBatchMs} after {@code t0} (0: as fast as batches are accepted).
     */
    private List<String> submit(ApiClient api, int jobs, String prefix, long t0, double perBatchMs) throws Exception {
        List<Future<String>> batches = new ArrayList<>();
        Semaphore parallel = new Semaphore(4);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = 0, k = 0; from < jobs; from += BATCH_ITEMS, k++) {
                long due = t0 + (long) (k * perBatchMs * 1e6);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                List<Map<String, String>> items = new ArrayList<>();
                for (int i = from; i < Math.min(jobs, from + BATCH_ITEMS); i++) {
                    items.add(Map.of(
                            "text",
                            prefix + i + ": I was charged twice for my subscription this month and the invoice"
                                    + " total does not match my plan."));
                }
                parallel.acquire();
                batches.add(threads.submit(() -> {
                    try {
                        ApiClient.Reply reply = api.post("/v1/batches", Map.of("pipeline", "classify", "items", items));
                        if (reply.status() != 202) {
                            throw new IllegalStateException(
                                    "batch refused: HTTP " + reply.status() + " " + reply.body());
                        }
                        return reply.body().path("batchId").asText();
                    } finally {
                        parallel.release();
                    }
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> b : batches) {
                ids.add(b.get());
            }
            out.println(f("  %5.0f s: submitted %d jobs in %d batches", seconds(t0), jobs, ids.size()));
            return ids;
        }
    }

    private static List<String> jobIds(ApiClient api, List<String> batches) {
        List<String> ids = new ArrayList<>();
        for (String batch : batches) {
            api.get("/v1/batches/" + batch).body().path("jobIds").forEach(n -> ids.add(n.asText()));
        }
        return ids;
    }

    /** How long to wait for the work: ten minutes beyond three times what the limit in force needs for it. */
    private Duration timeout() {
        long inForce = Math.max(1, Math.min(settings.rpm(), Math.round(settings.rpm() * settings.realLimit())));
        double minutes = (double) settings.mainJobs() / inForce;
        return Duration.ofMinutes(10).plusSeconds((long) (minutes * 3 * 60));
    }

    /**
     * Waits until each tenant named in {@code expected} has seen that many of its jobs end on the bus (and the
     * submission is done), printing progress every 10 seconds.
     */
    private void awaitEnd(
            LocalSluice local,
            Map<String, Long> expected,
            long t0,
            long total,
            BooleanSupplier submitted,
            Interactive interactive)
            throws InterruptedException {
        Duration timeout = timeout();
        long deadline = t0 + timeout.toNanos();
        long nextReport = System.nanoTime();
        while (true) {
            Map<String, Set<String>> ended = new HashMap<>();
            for (EventBusStandIn.Event e : local.bus().events()) {
                if (e.detailType().equals("job.completed") || e.detailType().equals("job.failed")) {
                    ended.computeIfAbsent(e.detail().path("tenant").asText(), k -> new HashSet<>())
                            .add(e.detail().path("jobId").asText());
                }
            }
            long done = expected.keySet().stream()
                    .mapToLong(t -> ended.getOrDefault(t, Set.of()).size())
                    .sum();
            boolean all = submitted.getAsBoolean()
                    && expected.entrySet().stream()
                            .allMatch(x ->
                                    ended.getOrDefault(x.getKey(), Set.of()).size() >= x.getValue());
            if (all) {
                return;
            }
            if (System.nanoTime() >= nextReport) {
                List<ChatOutcome> calls = local.simulator().chatOutcomes(MODEL);
                long throttled = calls.stream().filter(c -> c.status() == 429).count();
                String b = interactive == null
                        ? ""
                        : f(
                                "; %s: %d jobs ended (%s)",
                                TENANT_B,
                                ended.getOrDefault(TENANT_B, Set.of()).size(),
                                latencies(List.copyOf(interactive.seconds())));
                out.println(f(
                        "  %5.0f s: %d of %d jobs ended (%s); provider calls %d, 429s %d%s",
                        seconds(t0),
                        done,
                        total,
                        dev.sluice.local.Progress.eta(done, total, Duration.ofNanos(System.nanoTime() - t0)),
                        calls.size(),
                        throttled,
                        b));
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            if (System.nanoTime() > deadline) {
                out.println(f("gave up waiting after %s: %d of %d jobs ended", timeout, done, total));
                return;
            }
            Thread.sleep(250);
        }
    }

    /**
     * Answers over every sliding 60-second interval that starts a minute after the first call and ends by the last
     * answer, against the limit in force.
     */
    private void printSlidingMinutes(
            List<ChatOutcome> calls, long rpmInForce, long tpmInForce, double tokensPerCall, boolean tokensBind) {
        long[] answered = calls.stream()
                .filter(c -> c.status() == 200)
                .mapToLong(c -> c.answeredAt().toEpochMilli())
                .sorted()
                .toArray();
        long firstCall = calls.stream()
                .mapToLong(c -> c.receivedAt().toEpochMilli())
                .min()
                .orElse(0);
        List<Double> ratios = new ArrayList<>();
        if (answered.length > 0) {
            long lastAnswer = answered[answered.length - 1];
            int from = 0;
            int to = 0;
            for (long s = firstCall + MINUTE_MS; s + MINUTE_MS <= lastAnswer; s += 1000) {
                while (from < answered.length && answered[from] < s) {
                    from++;
                }
                while (to < answered.length && answered[to] < s + MINUTE_MS) {
                    to++;
                }
                ratios.add((double) (to - from) / rpmInForce);
            }
        }
        if (ratios.isEmpty()) {
            out.println("answered/limit over sliding 60 s intervals: n/a (the run is too short: no interval starts a"
                    + " minute after the first call and ends by the last answer)   (goal min >= 0.95)");
            return;
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        out.println(f(
                "answered/limit (requests) over %d sliding 60 s intervals: min %.3f, p5 %.3f, median %.3f   (goal min"
                        + " >= 0.95%s)",
                sorted.size(),
                sorted.getFirst(),
                Figures.percentile(sorted, 5),
                Figures.percentile(sorted, 50),
                tokensBind ? " if requests bound; tokens bind here" : ""));
        if (tokensBind) {
            // The simulator records no tokens per call; every call here asks nearly the same, so use their mean.
            double scale = tokensPerCall * rpmInForce / tpmInForce;
            out.println(f(
                    "answered/limit (tokens, estimated as answers x %.0f mean tokens per call) over %d intervals: min"
                            + " %.3f, p5 %.3f, median %.3f   (goal min >= 0.95)",
                    tokensPerCall,
                    sorted.size(),
                    sorted.getFirst() * scale,
                    Figures.percentile(sorted, 5) * scale,
                    Figures.percentile(sorted, 50) * scale));
        }
    }

    private void print429s(List<ChatOutcome> calls) {
        long throttled = calls.stream().filter(c -> c.status() == 429).count();
        long lastCall = calls.stream()
                .mapToLong(c -> c.receivedAt().toEpochMilli())
                .max()
                .orElse(0);
        List<ChatOutcome> late = calls.stream()
                .filter(c -> c.receivedAt().toEpochMilli() > lastCall - 5 * MINUTE_MS)
                .toList();
        long lateThrottled = late.stream().filter(c -> c.status() == 429).count();
        long other = calls.stream()
                .filter(c -> c.status() != 200 && c.status() != 429)
                .count();
        out.println(f(
                "provider 429s: %d of %d calls (%.2f%%); in the last 5 min of calls: %d of %d (%.2f%%)   (goal %s)%s",
                throttled,
                calls.size(),
                percent(throttled, calls.size()),
                lateThrottled,
                late.size(),
                percent(lateThrottled, late.size()),
                settings.realLimit() < 1 ? "< 3% overall and 0 in the last 5 min" : "< 1%",
                other == 0 ? "" : f("; other errors: %d", other)));
    }

    private void printInteractive(Interactive b) {
        out.println(f(
                "%s interactive jobs: %d ended (%d FAILED, %d unfinished); submit to end: %s   (goal p95 < 10 s)",
                TENANT_B, b.seconds().size(), b.failed(), b.unfinished(), latencies(b.seconds())));
    }

    private static String latencies(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return "n/a";
        }
        List<Double> sorted = seconds.stream().sorted().toList();
        return f(
                "p50 %.2f s, p95 %.2f s, max %.2f s",
                Figures.percentile(sorted, 50), Figures.percentile(sorted, 95), sorted.getLast());
    }

    private void printLimiterCalls(long admissions) {
        Map<String, Long> calls = TableCallCounter.calls();
        Map<String, Long> attempts = TableCallCounter.attempts();
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        long totalAttempts =
                attempts.values().stream().mapToLong(Long::longValue).sum();
        out.println(f(
                "limits-table DynamoDB calls: %s; %d calls / %d admissions = %s%s   (goal <= 1.3)",
                calls.isEmpty() ? "none counted" : calls.toString(),
                total,
                admissions,
                admissions == 0 ? "n/a" : f("%.3f", (double) total / admissions),
                totalAttempts == total ? "" : f(" (%d HTTP attempts with the SDK's retries)", totalAttempts)));
    }

    private static String bindingSide(long sluice, long provider) {
        return sluice < provider ? "sluice's binds" : sluice > provider ? "the provider's binds" : "equal";
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    record Outcomes(
            long succeeded,
            long failed,
            long modelAnswers,
            long cacheHits,
            List<Long> tokensPerCall,
            Map<String, Long> failureReasons) {
        static final Outcomes NONE = new Outcomes(0, 0, 0, 0, List.of(), Map.of());

        Outcomes plus(Outcomes o) {
            List<Long> tokens = new ArrayList<>(tokensPerCall);
            tokens.addAll(o.tokensPerCall());
            Map<String, Long> reasons = new java.util.TreeMap<>(failureReasons);
            o.failureReasons().forEach((k, v) -> reasons.merge(k, v, Long::sum));
            return new Outcomes(
                    succeeded + o.succeeded(),
                    failed + o.failed(),
                    modelAnswers + o.modelAnswers(),
                    cacheHits + o.cacheHits(),
                    tokens,
                    reasons);
        }
    }

    /** Reads every job through the API, as its owner would. */
    private static Outcomes outcomes(ApiClient api, List<String> ids) throws Exception {
        AtomicLong succeeded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong answers = new AtomicLong();
        AtomicLong hits = new AtomicLong();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> reasons = new ConcurrentHashMap<>();
        Semaphore parallel = new Semaphore(8);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> reads = new ArrayList<>();
            for (String id : ids) {
                reads.add(threads.submit(() -> {
                    parallel.acquire();
                    try {
                        JsonNode job = api.get("/v1/jobs/" + id).body();
                        switch (job.path("status").asText()) {
                            case "SUCCEEDED" -> succeeded.incrementAndGet();
                            case "FAILED" -> {
                                failed.incrementAndGet();
                                reasons.merge(shorten(job.path("failureReason").asText()), 1L, Long::sum);
                            }
                            default -> {}
                        }
                        for (JsonNode hop : job.path("hops")) {
                            if (hop.path("cacheHit").asBoolean()) {
                                hits.incrementAndGet();
                            } else if (hop.has("tokens")) {
                                answers.incrementAndGet();
                                tokens.add(hop.path("tokens").path("input").asLong()
                                        + hop.path("tokens").path("output").asLong());
                            }
                        }
                    } finally {
                        parallel.release();
                    }
                    return null;
                }));
            }
            for (Future<?> r : reads) {
                r.get();
            }
        }
        return new Outcomes(succeeded.get(), failed.get(), answers.get(), hits.get(), List.copyOf(tokens), reasons);
    }

    private static String shorten(String reason) {
        return reason.length() > 80 ? reason.substring(0, 80) + "..." : reason;
    }

    private static double medianTokens(Outcomes o) {
        return o.tokensPerCall().isEmpty()
                ? 0
                : Figures.median(
                        o.tokensPerCall().stream().map(Long::doubleValue).toList());
    }

    private static double meanTokens(Outcomes o) {
        return o.tokensPerCall().stream().mapToLong(Long::longValue).average().orElse(0);
    }

    private static double seconds(long since) {
        return Figures.seconds(since);
    }
}
