package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.finalizer.FinalizerHandler;
import dev.sluice.bootstrap.processor.ProcessorHandler;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.EventSourceMapping;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * {@code sluice bench cost}: what AWS charges per million LLM calls. A fixed workload (one-hop RAG jobs, three-call
 * chains, a batch; cache hits and deferrals among them) runs through the real handlers on the local stand-ins, once
 * as sluice ships (the stack's batch sizes) and once as the naive design (one message, so one model call, per
 * invocation); every AWS request the functions make is counted by {@link AwsRequestCounter}, every invocation timed,
 * the log and EMF bytes measured; {@link CostModel} multiplies by the dated {@link PriceTable}.
 */
public final class CostBench {
    static final String MODEL = "gpt-4o-mini";
    private static final String TENANT = "bench";

    /**
     * What to assume and where the sizes come from.
     *
     * @param semanticHitRate the share of requests a semantic cache answers, for the model-price projection only (the
     *     workload itself is the same whatever it says)
     * @param batchShare the share of model calls made through a batch route, for the same projection
     */
    public record Settings(
            Duration modelLatency,
            int inputTokens,
            int outputTokens,
            Path stackFile,
            Path logFile,
            Path metricsFile,
            double semanticHitRate,
            double batchShare) {}

    /** The workload: the same in both runs. */
    static final int RAG_JOBS = 100;

    static final int RAG_REPEATS = 20;
    static final int CHAINS = 30;
    static final int BATCH_ITEMS = 100;
    static final int THROTTLED_CALLS = 20;

    /** The bundled {@code sluice.yaml}'s {@code maxOutputTokens} for every model. */
    static final int MAX_OUTPUT_TOKENS = 400;

    private final PrintStream out;
    private final Settings settings;

    public CostBench(PrintStream out, Settings settings) {
        this.out = out;
        this.settings = settings;
    }

    public boolean run(Path home) throws Exception {
        StackSizes sizes = StackSizes.read(settings.stackFile());
        PriceTable prices = PriceTable.load();
        // Limits far above demand: the limiter still books every call (its DynamoDB writes are counted), it never
        // denies; the deferrals come from the provider's 429s, scripted below.
        System.setProperty("SLUICE_FAST_RPM", "1000000");
        System.setProperty("SLUICE_FAST_TPM", "1000000000");
        LocalSluice.Options d = LocalSluice.Options.defaults(home);
        try (LocalSluice local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ZERO, 0, d.workVisibility(), 1, sizes.processorBatchSize())
                        .withoutBatcher())) {
            // The stand-ins answer at once: what is timed is sluice's own work; the model's latency is added by
            // arithmetic (CostModel), so the figures do not depend on this machine's sleeping.
            local.simulator()
                    .configure(
                            MODEL,
                            ModelBehaviour.DEFAULT
                                    .withLatency(Latency.NONE)
                                    .withScript(Workload.answer(settings.outputTokens())));
            // This benchmark runs the consumers itself, timed.
            local.poller("processor").orElseThrow().close();
            local.poller("finalizer").orElseThrow().close();
            ApiClient api = new ApiClient(local.api(), TENANT);
            ApiClient.Reply ingest = api.post("/v1/documents", DemoRun.corpus("docs"));
            if (!ingest.ok()) {
                out.println("ingestion was refused: " + ingest.body());
                return false;
            }
            DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
            ProcessorHandler processor = new ProcessorHandler();
            FinalizerHandler finalizer = new FinalizerHandler();
            Workload workload = new Workload(api, settings.inputTokens());
            out.println(f(
                    "workload, run twice: %d one-hop RAG jobs + %d repeated (cache hits), %d three-call chains, a"
                            + " batch of %d; the first %d model calls answered 429 (deferred)",
                    RAG_JOBS, RAG_REPEATS, CHAINS, BATCH_ITEMS, THROTTLED_CALLS));
            // sluice keeps long text gzip-compressed in DynamoDB: the workload's must not compress better than prose.
            out.println(f(
                    "text: the bundled documents' words in random order; gzip keeps %.0f%% of an answer's bytes"
                            + " (of the documents themselves: %.0f%%)",
                    100 * Prose.gzipShare(Workload.answer(settings.outputTokens())),
                    100 * Prose.gzipShare(Prose.documents())));
            // A short run first, so class loading and first connections are not billed to either design.
            Duration window = Duration.ofSeconds(sizes.processorBatchingWindowSeconds());
            measure(local, workload, processor, finalizer, "warm-up", sizes.processorBatchSize(), window, 1, 0.1);
            Measured sluice = measure(
                    local,
                    workload,
                    processor,
                    finalizer,
                    "sluice",
                    sizes.processorBatchSize(),
                    window,
                    sizes.finalizerBatchSize(),
                    1);
            Measured naive = measure(local, workload, processor, finalizer, "naive", 1, Duration.ZERO, 1, 1);
            new CostReport(out, prices, sizes, settings).print(sluice, naive);
            return true;
        } finally {
            System.clearProperty("SLUICE_FAST_RPM");
            System.clearProperty("SLUICE_FAST_TPM");
        }
    }

    /** Invocations of one consumer and their time inside the handler. */
    static final class Timed {
        final AtomicLong invocations = new AtomicLong();
        final AtomicLong withModelCalls = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong nanos = new AtomicLong();

        double seconds() {
            return nanos.get() / 1e9;
        }
    }

    private Measured measure(
            LocalSluice local,
            Workload workload,
            ProcessorHandler processor,
            FinalizerHandler finalizer,
            String label,
            int processorBatch,
            Duration processorWindow,
            int finalizerBatch,
            double share)
            throws Exception {
        Timed p = new Timed();
        Timed fin = new Timed();
        long logBefore = LogBytes.size(settings.logFile());
        long metricsBefore = LogBytes.size(settings.metricsFile());
        long dispatcherCalls = local.apiServer().invocations();
        long dispatcherNanos = local.apiServer().invocationNanos();
        long answeredBefore = answered(local);
        long t0 = System.nanoTime();
        AwsRequestCounter.start();
        local.simulator().throttleNext(MODEL, Duration.ofSeconds(1), (int) Math.round(THROTTLED_CALLS * share));
        int jobs = workload.submitFirst(label, share);
        try (EventSourceMapping pm = consumer(
                        local,
                        QueueRole.WORK,
                        "processor-" + label,
                        processorBatch,
                        processorWindow,
                        timed(local, processor::handleRequest, p));
                EventSourceMapping fm = consumer(
                        local,
                        QueueRole.FINALIZE,
                        "finalizer-" + label,
                        finalizerBatch,
                        finalizerBatch > 1 ? Duration.ofSeconds(1) : Duration.ZERO,
                        timed(local, finalizer::handleRequest, fin))) {
            drain(local, fin, jobs);
            // The repeats find the first answers in the cache: they are submitted once those are cached.
            jobs += workload.submitRepeats(label, share);
            drain(local, fin, jobs);
        }
        AwsRequestCounter.stop();
        double wall = Figures.seconds(t0);
        Measured m = new Measured(
                label,
                processorBatch,
                finalizerBatch,
                jobs,
                answered(local) - answeredBefore,
                p,
                fin,
                local.apiServer().invocations() - dispatcherCalls,
                (local.apiServer().invocationNanos() - dispatcherNanos) / 1e9,
                AwsRequestCounter.counts(),
                LogBytes.functionLines(settings.logFile(), logBefore),
                Emf.read(settings.metricsFile(), metricsBefore));
        if (!label.equals("warm-up")) {
            out.println(f(
                    "  %-6s %d jobs in %.1f s: %d LLM calls paid, %d cache hits, %d deferred; processor %d"
                            + " invocations of %d messages (batches of up to %d), finalizer %d, dispatcher %d",
                    label,
                    jobs,
                    wall,
                    m.llmCalls(),
                    (long) m.emf().total("CacheHits"),
                    (long) m.emf().total("Deferred"),
                    p.invocations.get(),
                    p.records.get(),
                    processorBatch,
                    fin.invocations.get(),
                    m.dispatcherInvocations()));
        }
        return m;
    }

    private static long answered(LocalSluice local) {
        return local.simulator().outcomes().getOrDefault("answered", 0L);
    }

    private static EventSourceMapping consumer(
            LocalSluice local,
            QueueRole role,
            String name,
            int batch,
            Duration window,
            BiFunction<SQSEvent, Context, SQSBatchResponse> handler) {
        // One invocation at a time: each one's model calls are then the simulator's count before and after it.
        return new EventSourceMapping(
                local.sqs(),
                local.queueUrl(role),
                new EventSourceMapping.Options(name, batch, window, 1, Duration.ofSeconds(60)),
                handler);
    }

    private static BiFunction<SQSEvent, Context, SQSBatchResponse> timed(
            LocalSluice local, BiFunction<SQSEvent, Context, SQSBatchResponse> handler, Timed t) {
        return (event, context) -> {
            long calls = answered(local);
            long started = System.nanoTime();
            try {
                return handler.apply(event, context);
            } finally {
                t.nanos.addAndGet(System.nanoTime() - started);
                t.invocations.incrementAndGet();
                t.records.addAndGet(event.getRecords().size());
                if (answered(local) > calls) {
                    t.withModelCalls.incrementAndGet();
                }
            }
        };
    }

    /** Until every job has been finalized and both queues are empty (deferred messages count until they return). */
    private static void drain(LocalSluice local, Timed finalizer, int jobs) throws InterruptedException {
        String work = local.queueUrl(QueueRole.WORK);
        String fin = local.queueUrl(QueueRole.FINALIZE);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        int quiet = 0;
        while (quiet < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cost workload did not finish within 5 minutes");
            }
            Thread.sleep(200);
            boolean empty = local.depth(work) == 0 && local.depth(fin) == 0 && finalizer.records.get() >= jobs;
            quiet = empty ? quiet + 1 : 0;
        }
    }

    /** One run's figures. */
    record Measured(
            String label,
            int processorBatch,
            int finalizerBatch,
            int jobs,
            long llmCalls,
            Timed processor,
            Timed finalizer,
            long dispatcherInvocations,
            double dispatcherSeconds,
            Map<String, AwsRequestCounter.Count> requests,
            LogBytes logs,
            Emf emf) {}

    /** The jobs, their inputs sized to the assumed prompt. */
    static final class Workload {
        private final ApiClient api;
        private final int inputTokens;

        Workload(ApiClient api, int inputTokens) {
            this.api = api;
            this.inputTokens = inputTokens;
        }

        /**
         * An answer of about {@code tokens} tokens (the simulator counts four characters a token), at most the bundled
         * models' {@code maxOutputTokens}: a longer one would be cut off, and the batch's JSON with it.
         */
        static String answer(int tokens) {
            int chars = Math.min(tokens, MAX_OUTPUT_TOKENS) * 4 - 80;
            return "{\"label\": \"billing\", \"confidence\": 0.92, \"reason\": \""
                    + Prose.of("answer", chars).replace("\"", "'") + "\"}";
        }

        /**
         * Text of about {@code chars} characters, distinct per {@code seed}: with the pipelines' templates and the
         * retrieved context it makes a prompt of about the assumed input tokens.
         */
        private static String text(String seed, int chars) {
            return seed + ". " + Prose.of(seed, chars - seed.length() - 2);
        }

        /**
         * A question as people ask one: the bulk of a RAG prompt is what retrieval adds (the bundled pipelines' four
         * chunks of up to 800 characters), so only the batch's texts, whose prompt is the text, are sized to the
         * assumed input tokens.
         */
        private static int ragQuestionChars() {
            return 240;
        }

        int submitFirst(String label, double share) {
            int rag = (int) Math.round(RAG_JOBS * share);
            int chains = (int) Math.round(CHAINS * share);
            int items = (int) Math.round(BATCH_ITEMS * share);
            for (int i = 0; i < rag; i++) {
                job("rag", text(label + " rag question " + i, ragQuestionChars()));
            }
            for (int i = 0; i < chains; i++) {
                // Three calls: a short plan, a draft over retrieved context, a tightened answer.
                job("research", text(label + " research question " + i, ragQuestionChars()));
            }
            List<Map<String, String>> batch = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                batch.add(Map.of("text", text(label + " ticket " + i, inputTokens * 4 - 400)));
            }
            if (!batch.isEmpty()) {
                ApiClient.Reply reply = api.post("/v1/batches", Map.of("pipeline", "classify", "items", batch));
                if (reply.status() != 202) {
                    throw new IllegalStateException("batch refused: HTTP " + reply.status() + " " + reply.body());
                }
            }
            return rag + chains + items;
        }

        int submitRepeats(String label, double share) {
            int repeats = (int) Math.round(RAG_REPEATS * share);
            for (int i = 0; i < repeats; i++) {
                job("rag", text(label + " rag question " + i, ragQuestionChars()));
            }
            return repeats;
        }

        private void job(String pipeline, String question) {
            ApiClient.Reply reply =
                    api.post("/v1/jobs", Map.of("pipeline", pipeline, "input", Map.of("question", question)));
            if (reply.status() != 202) {
                throw new IllegalStateException("job refused: HTTP " + reply.status() + " " + reply.body());
            }
        }
    }
}
