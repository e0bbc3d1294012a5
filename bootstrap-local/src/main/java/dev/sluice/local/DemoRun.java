package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.eventbridge.EventBusStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ./sluice demo}: starts sluice locally, ingests the bundled corpus, runs a one-hop RAG job and a three-call
 * research chain through the real HTTP API, queues and handlers, and prints what each job did.
 */
public final class DemoRun {
    static final String TENANT = "demo";
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    private final PrintStream out;

    DemoRun(PrintStream out) {
        this.out = out;
    }

    /** The demo's jobs: pipeline and question. */
    static final List<Map.Entry<String, String>> JOBS = List.of(
            Map.entry("rag", "Why does sluice defer throttled work instead of retrying it?"),
            Map.entry("rag", "How does sluice avoid paying twice for a model call?"),
            Map.entry("research", "How does sluice keep within a provider's rate limits?"));

    boolean run(Path home) throws Exception {
        long t0 = System.nanoTime();
        out.println("sluice demo: SQS (ElasticMQ), S3 (s3proxy), DynamoDB (dynalite), EventBridge (local bus),");
        out.println("             MiniLM embeddings, an embedded Lucene index, and the LLM provider simulator.");
        try (LocalSluice local = LocalSluice.start(LocalSluice.Options.defaults(home))) {
            out.printf(
                    Locale.ROOT,
                    "started in %.1f s; API %s; models: %s%n%n",
                    seconds(t0),
                    local.api(),
                    local.usesRealProvider() ? "OpenAI (OPENAI_API_KEY is set)" : "local simulator");
            ApiClient api = new ApiClient(local.api(), TENANT);

            long t1 = System.nanoTime();
            Map<String, Object> documents = corpus("docs");
            ApiClient.Reply ingest = api.post("/v1/documents", documents);
            if (!ingest.ok()) {
                out.println("ingestion was refused: " + ingest.body());
                return false;
            }
            waitUntilDrained(
                    local::depth,
                    local.queueUrl(QueueRole.INGEST),
                    Duration.ofMinutes(2),
                    Optional.of(new Progress(out, "ingesting (queue messages)")));
            out.printf(
                    Locale.ROOT,
                    "ingested %d documents into index 'docs' in %.1f s%n%n",
                    ((List<?>) documents.get("documents")).size(),
                    seconds(t1));

            List<String> ids = new ArrayList<>();
            for (Map.Entry<String, String> job : JOBS) {
                ApiClient.Reply accepted = api.post(
                        "/v1/jobs", Map.of("pipeline", job.getKey(), "input", Map.of("question", job.getValue())));
                if (accepted.status() != 202) {
                    out.println("job refused: " + accepted.body());
                    return false;
                }
                ids.add(accepted.body().path("jobId").asText());
            }
            boolean allSucceeded = true;
            for (int i = 0; i < ids.size(); i++) {
                JsonNode job = api.awaitEnd(ids.get(i), JOB_TIMEOUT);
                allSucceeded &= "SUCCEEDED".equals(job.path("status").asText());
                printJob(JOBS.get(i).getValue(), job);
            }
            // The finalizer flushes its metrics as its invocation ends, just after the job record says SUCCEEDED.
            waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofSeconds(30));
            Thread.sleep(500);
            printMetrics(local);
            out.printf(
                    Locale.ROOT,
                    "%ndemo %s in %.1f s%n",
                    allSucceeded ? "finished: every job SUCCEEDED" : "finished with FAILED jobs",
                    seconds(t0));
            return allSucceeded;
        }
    }

    private void printJob(String question, JsonNode job) {
        out.printf(
                Locale.ROOT,
                "job %s  pipeline %s  %s%n",
                job.path("jobId").asText(),
                job.path("pipeline").asText(),
                job.path("status").asText());
        out.println("  Q: " + question);
        if (job.has("result")) {
            out.println("  A: " + job.path("result").asText().replace("\n", "\n     "));
        } else {
            out.println("  reason: " + job.path("failureReason").asText());
        }
        for (JsonNode hop : job.path("hops")) {
            out.printf(
                    Locale.ROOT,
                    "  hop %d  %-7s %-20s in %5d / out %4d tokens  $%-11s %5d ms%s%s%n",
                    hop.path("hop").asInt(),
                    hop.path("model").asText(),
                    "(" + hop.path("modelId").asText() + ")",
                    hop.path("tokens").path("input").asLong(),
                    hop.path("tokens").path("output").asLong(),
                    hop.path("costUsd").asText(),
                    hop.path("durationMs").asLong(),
                    hop.path("cacheHit").asBoolean() ? "  cache hit" : "",
                    hop.path("fallbacks").isEmpty() ? "" : "  fallbacks: " + hop.path("fallbacks"));
        }
        out.printf(
                Locale.ROOT,
                "  total %d tokens, $%s, correlation id %s%n%n",
                job.path("tokens").path("input").asLong()
                        + job.path("tokens").path("output").asLong(),
                job.path("costUsd").asText(),
                job.path("correlationId").asText());
    }

    private void printMetrics(LocalSluice local) {
        out.println("metrics emitted (CloudWatch EMF, namespace Sluice; lines in .sluice/metrics.log):");
        Map<String, Double> totals = Console.totals();
        out.println("  "
                + totals.entrySet().stream()
                        .map(e -> e.getKey() + "="
                                + (e.getValue() == Math.rint(e.getValue())
                                        ? String.valueOf(e.getValue().longValue())
                                        : String.format(Locale.ROOT, "%.1f", e.getValue())))
                        .collect(Collectors.joining("  ")));
        Map<String, Long> events = local.bus().events().stream()
                .collect(Collectors.groupingBy(
                        EventBusStandIn.Event::detailType, LinkedHashMap::new, Collectors.counting()));
        out.println("events put on the bus: " + events);
        out.println("model calls the simulator served: " + local.simulator().totalCalls());
    }

    public static void waitUntilDrained(LocalSluice local, String queueUrl, Duration timeout)
            throws InterruptedException {
        waitUntilDrained(local::depth, queueUrl, timeout, Optional.empty());
    }

    /**
     * Waits until the queue holds nothing (waiting, in flight or delayed), showing how many of the most it held are
     * done, with an ETA, if {@code progress} is given.
     */
    public static void waitUntilDrained(
            java.util.function.ToLongFunction<String> depth,
            String queueUrl,
            Duration timeout,
            Optional<Progress> progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long most = 0;
        long left;
        while ((left = depth.applyAsLong(queueUrl)) > 0) {
            most = Math.max(most, left);
            long total = most;
            long now = left;
            progress.ifPresent(p -> p.update(total - now, total));
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("queue " + queueUrl + " still busy after " + timeout);
            }
            Thread.sleep(200);
        }
        long total = most;
        progress.ifPresent(p -> {
            if (total > 0) {
                p.update(total, total);
            }
            p.finish();
        });
    }

    /** The bundled sample corpus as a {@code POST /v1/documents} body. */
    public static Map<String, Object> corpus(String index) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String name : resource("demo/index.txt").split("\n")) {
            if (!name.isBlank()) {
                docs.add(Map.of(
                        "id", name.strip(), "contentType", "text/markdown", "text", resource("demo/" + name.strip())));
            }
        }
        return Map.of("index", index, "documents", docs);
    }

    static Map<String, Object> documents(String index, List<Path> files) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            docs.add(Map.of(
                    "id",
                    name,
                    "contentType",
                    name.endsWith(".md") ? "text/markdown" : "text/plain",
                    "text",
                    Files.readString(file)));
        }
        return Map.of("index", index, "documents", docs);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = DemoRun.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
