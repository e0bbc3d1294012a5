package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.eventbridge.EventBusStandIn;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.emulators.llm.ReceivedRequest;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code sluice bench throughput}: thousands of {@code classify} jobs against a model whose sluice limits are well
 * below demand, with the simulated provider enforcing its own limits slightly above sluice's, so a failure of
 * admission control shows as provider 429s. Prints what each full one-minute window achieved against the limits.
 */
public final class ThroughputBench {
    /** The model id the {@code fast} alias calls (sluice.yaml: {@code SLUICE_FAST_MODEL}, default gpt-4o-mini). */
    private static final String MODEL = "gpt-4o-mini";

    private static final String TENANT = "bench";
    private static final String ANSWER = "{\"label\": \"billing\", \"confidence\": 0.92}";
    private static final int BATCH_ITEMS = 25;
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    /**
     * @param rpm sluice's requests-per-minute limit for the {@code fast} model
     * @param tpm sluice's tokens-per-minute limit for it
     * @param providerHeadroom the simulated provider's own limits as a multiple of sluice's
     */
    public record Settings(int jobs, long rpm, long tpm, double providerHeadroom, Duration latency) {}

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
            System.clearProperty("SLUICE_FAST_RPM");
            System.clearProperty("SLUICE_FAST_TPM");
        }
    }

    private boolean measure(Path home) throws Exception {
        LocalSluice.Options d = LocalSluice.Options.defaults(home);
        long providerRpm = Math.round(settings.rpm() * settings.providerHeadroom());
        long providerTpm = Math.round(settings.tpm() * settings.providerHeadroom());
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
                                    .withLimits(providerRpm, providerTpm));
            out.println(f(
                    "%d classify jobs; sluice limits for 'fast': %d RPM, %d TPM; the simulated provider's own: %d RPM,"
                            + " %d TPM (sliding minute); model latency %d ms median",
                    settings.jobs(),
                    settings.rpm(),
                    settings.tpm(),
                    providerRpm,
                    providerTpm,
                    settings.latency().toMillis()));
            out.println(f(
                    "processor as the SQS event source runs it: batch %d, maximum concurrency %d",
                    d.processorBatchSize(), d.processorConcurrency()));

            ApiClient api = new ApiClient(local.api(), TENANT);
            long t0 = System.nanoTime();
            Instant started = Instant.now();
            List<String> batches = submit(api);
            out.println(f("submitted %d jobs in %d batches in %.1f s", settings.jobs(), batches.size(), seconds(t0)));

            Instant ended = awaitEnd(local, t0);
            double wall = seconds(t0);
            // The finalizer's last invocations finish before the counters are read.
            DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofMinutes(1));

            List<String> ids = new ArrayList<>();
            for (String batch : batches) {
                api.get("/v1/batches/" + batch).body().path("jobIds").forEach(n -> ids.add(n.asText()));
            }
            Outcomes outcomes = outcomes(api, ids);
            long chatCalls = local.simulator().calls(MODEL);
            long otherCalls = local.simulator().totalCalls() - chatCalls;
            long provider429 = chatCalls - outcomes.modelAnswers();
            long dlq = local.depth(local.deadLetterQueueUrl(QueueRole.WORK))
                    + local.depth(local.deadLetterQueueUrl(QueueRole.FINALIZE))
                    + local.depth(local.deadLetterQueueUrl(QueueRole.INGEST));
            long lost = settings.jobs() - outcomes.succeeded() - outcomes.failed();

            out.println();
            out.println("per one-minute window of sluice's limiter (UTC minute; 'full' = inside the run):");
            Map<Long, long[]> windows = limiterWindows(local);
            Map<Long, long[]> providerCalls = providerCallsPerWindow(local, providerRpm);
            out.println(f(
                    "  %-20s %4s %9s %9s %9s %10s %9s %10s",
                    "window", "full", "admitted", "refused", "answered", "ans/limit", "tokens", "tok/limit"));
            long fullWindows = 0;
            long fullAnswered = 0;
            long fullTokens = 0;
            long replayedRefusals = 0;
            for (Map.Entry<Long, long[]> w : windows.entrySet()) {
                Instant start = Instant.ofEpochMilli(w.getKey());
                boolean isFull = !start.isBefore(started)
                        && !start.plus(Duration.ofMinutes(1)).isAfter(ended);
                long[] provider = providerCalls.getOrDefault(w.getKey(), new long[2]);
                long answered = provider[0] - provider[1];
                replayedRefusals += provider[1];
                if (isFull) {
                    fullWindows++;
                    fullAnswered += answered;
                    fullTokens += w.getValue()[1];
                }
                out.println(f(
                        "  %-20s %4s %9d %9d %9d %10.3f %9d %10.3f",
                        start.toString().substring(0, 16),
                        isFull ? "yes" : "no",
                        w.getValue()[0],
                        provider[1],
                        answered,
                        (double) answered / settings.rpm(),
                        w.getValue()[1],
                        (double) w.getValue()[1] / settings.tpm()));
            }
            out.println("  admitted: requests sluice's limiter granted (a request the provider refused still counts);");
            out.println("  refused: provider 429s, replayed from arrival times; tokens: the limiter's settled count.");
            out.println();
            String binding = settings.rpm() * tokensPerRequest(outcomes) <= settings.tpm() ? "requests" : "tokens";
            out.println(f(
                    "achieved/limit over %d full window(s): requests answered %s, tokens %s   (goal >= 0.9 for the"
                            + " binding limit: %s)",
                    fullWindows,
                    fullWindows == 0 ? "n/a" : f("%.3f", (double) fullAnswered / (fullWindows * settings.rpm())),
                    fullWindows == 0 ? "n/a" : f("%.3f", (double) fullTokens / (fullWindows * settings.tpm())),
                    binding));
            out.println(f(
                    "provider 429s seen: %d of %d calls (%.2f%%; the replay above finds %d)   (goal < 1%%)",
                    provider429, chatCalls, chatCalls == 0 ? 0 : 100.0 * provider429 / chatCalls, replayedRefusals));
            if (otherCalls > 0) {
                out.println(f("other models called (fallbacks): %d calls", otherCalls));
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
                    tokensPerRequest(outcomes), outcomes.modelAnswers(), outcomes.cacheHits()));
            out.println(f(
                    "wall time: %.1f s from the first submission to the last job's end (%.1f jobs/s)",
                    wall, settings.jobs() / wall));
            return lost == 0;
        }
    }

    /**
     * Submits in batches of 25, four at a time, as a client would: on the local DynamoDB stand-in a batch costs
     * about 0.1 s per item while the pipeline runs, so a 500-item batch (the API's maximum) outlasts a 30 s timeout.
     */
    private List<String> submit(ApiClient api) throws Exception {
        List<Future<String>> batches = new ArrayList<>();
        Semaphore parallel = new Semaphore(4);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = 0; from < settings.jobs(); from += BATCH_ITEMS) {
                List<Map<String, String>> items = new ArrayList<>();
                for (int i = from; i < Math.min(settings.jobs(), from + BATCH_ITEMS); i++) {
                    items.add(Map.of(
                            "text",
                            "Ticket " + i + ": I was charged twice for my subscription this month and the invoice"
                                    + " total does not match my plan."));
                }
                batches.add(threads.submit(() -> {
                    parallel.acquire();
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
            return ids;
        }
    }

    /** Waits until every job has announced its end on the bus, printing progress every 10 seconds. */
    private Instant awaitEnd(LocalSluice local, long t0) throws InterruptedException {
        long deadline = t0 + TIMEOUT.toNanos();
        long nextReport = System.nanoTime();
        while (true) {
            long ended = 0;
            for (EventBusStandIn.Event e : local.bus().events()) {
                if (e.detailType().equals("job.completed") || e.detailType().equals("job.failed")) {
                    ended++;
                }
            }
            if (ended >= settings.jobs()) {
                return Instant.now();
            }
            if (System.nanoTime() >= nextReport) {
                out.println(f(
                        "  %5.0f s: %d of %d jobs ended; provider calls %d",
                        seconds(t0), ended, settings.jobs(), local.simulator().calls(MODEL)));
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            if (System.nanoTime() > deadline) {
                out.println(f("gave up waiting after %s: %d of %d jobs ended", TIMEOUT, ended, settings.jobs()));
                return Instant.now();
            }
            Thread.sleep(250);
        }
    }

    record Outcomes(
            long succeeded,
            long failed,
            long modelAnswers,
            long cacheHits,
            List<Long> tokensPerCall,
            Map<String, Long> failureReasons) {}

    /** Reads every job through the API, as its owner would. */
    private static Outcomes outcomes(ApiClient api, List<String> ids) throws Exception {
        AtomicLong succeeded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong answers = new AtomicLong();
        AtomicLong hits = new AtomicLong();
        List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
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
        return new Outcomes(succeeded.get(), failed.get(), answers.get(), hits.get(), tokens, reasons);
    }

    private static String shorten(String reason) {
        return reason.length() > 80 ? reason.substring(0, 80) + "..." : reason;
    }

    private static double tokensPerRequest(Outcomes o) {
        return o.tokensPerCall().isEmpty()
                ? 0
                : Figures.median(
                        o.tokensPerCall().stream().map(Long::doubleValue).toList());
    }

    /** The limiter's counters per window start (epoch ms): requests and tokens, from its DynamoDB table. */
    private static Map<Long, long[]> limiterWindows(LocalSluice local) {
        Map<String, String> p = local.properties();
        Map<Long, long[]> windows = new TreeMap<>();
        try (DynamoDbClient ddb = DynamoDbClient.builder()
                .endpointOverride(URI.create(p.get("AWS_ENDPOINT_URL_DYNAMODB")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(p.get("aws.accessKeyId"), p.get("aws.secretAccessKey"))))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            ddb.scanPaginator(r -> r.tableName(p.get("SLUICE_LIMITS_TABLE")))
                    .items()
                    .forEach(item -> {
                        String key = item.values().stream()
                                .map(AttributeValue::s)
                                .filter(s -> s != null && s.contains("@"))
                                .findFirst()
                                .orElse("");
                        if (key.isEmpty()) {
                            return;
                        }
                        long start = Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
                        windows.put(start, new long[] {number(item.get("requests")), number(item.get("tokens"))});
                    });
        }
        return windows;
    }

    private static long number(AttributeValue v) {
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    /**
     * Every chat call the provider received per limiter window, as {calls, refused}: the refusals are replayed from
     * the arrival times with the simulator's own rule (at most its RPM in any sliding minute), since a recorded
     * request does not say how it was answered. The replay's total is printed next to the counted 429s.
     */
    private static Map<Long, long[]> providerCallsPerWindow(LocalSluice local, long providerRpm) {
        Map<Long, long[]> calls = new TreeMap<>();
        java.util.ArrayDeque<Long> admitted = new java.util.ArrayDeque<>();
        for (ReceivedRequest r : local.simulator().received(MODEL)) {
            long ms = r.receivedAt().toEpochMilli();
            while (!admitted.isEmpty() && ms - admitted.peekFirst() >= 60_000L) {
                admitted.pollFirst();
            }
            boolean refused = providerRpm > 0 && admitted.size() >= providerRpm;
            if (!refused) {
                admitted.addLast(ms);
            }
            long[] w = calls.computeIfAbsent(ms - Math.floorMod(ms, 60_000L), k -> new long[2]);
            w[0]++;
            w[1] += refused ? 1 : 0;
        }
        return calls;
    }

    private static double seconds(long since) {
        return Figures.seconds(since);
    }
}
