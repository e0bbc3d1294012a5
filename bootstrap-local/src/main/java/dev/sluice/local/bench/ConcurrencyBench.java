package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.processor.ProcessorHandler;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.local.ApiClient;
import dev.sluice.local.EventSourceMapping;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sluice bench concurrency}: LLM calls completed per second of processor invocation when the SQS event
 * source hands it batches of 10 versus batches of 1, with a fixed model latency. The processor runs a batch's
 * messages at once on virtual threads; this shows what that buys per billed invocation-second.
 */
public final class ConcurrencyBench {
    private static final String MODEL = "gpt-4o-mini";
    private static final String TENANT = "bench";
    private static final String ANSWER = "{\"label\": \"billing\", \"confidence\": 0.92}";
    private static final int SUBMIT_ITEMS = 25;

    private final PrintStream out;
    private final int jobs;
    private final Duration latency;

    public ConcurrencyBench(PrintStream out, int jobs, Duration latency) {
        this.out = out;
        this.jobs = jobs;
        this.latency = latency;
    }

    /** What one configuration achieved. */
    record Result(int batchSize, long invocations, long records, double invocationSeconds, long calls) {
        double callsPerInvocationSecond() {
            return calls / invocationSeconds;
        }
    }

    public boolean run(Path home) throws Exception {
        // Limits far above demand: the limiter still runs (its DynamoDB write is part of a hop) but never denies.
        System.setProperty("SLUICE_FAST_RPM", "1000000");
        System.setProperty("SLUICE_FAST_TPM", "1000000000");
        LocalSluice.Options d = LocalSluice.Options.defaults(home);
        try (LocalSluice local = LocalSluice.start(
                new LocalSluice.Options(home, 0, latency, 0, d.workVisibility(), 1, d.processorBatchSize()))) {
            local.simulator()
                    .configure(
                            MODEL,
                            ModelBehaviour.DEFAULT
                                    .withLatency(Latency.fixed(latency))
                                    .withScript(ANSWER));
            // This benchmark is the only consumer of the work queue.
            local.poller("processor").orElseThrow().close();
            ProcessorHandler processor = new ProcessorHandler();
            ApiClient api = new ApiClient(local.api(), TENANT);
            out.println(f(
                    "classify jobs, one model call each; model latency fixed at %d ms; one processor invocation at a"
                            + " time",
                    latency.toMillis()));

            measure(local, api, processor, "warm-up", 10, Math.min(jobs, 30));
            List<Result> results = new ArrayList<>();
            results.add(measure(local, api, processor, "batch-1", 1, jobs));
            results.add(measure(local, api, processor, "batch-10", 10, jobs));

            out.println();
            out.println(f(
                    "  %-10s %11s %8s %17s %11s %22s",
                    "batch size", "invocations", "records", "invocation-s sum", "LLM calls", "calls/invocation-s"));
            for (Result r : results) {
                out.println(f(
                        "  %-10d %11d %8d %17.2f %11d %22.2f",
                        r.batchSize(),
                        r.invocations(),
                        r.records(),
                        r.invocationSeconds(),
                        r.calls(),
                        r.callsPerInvocationSecond()));
            }
            double ratio =
                    results.get(1).callsPerInvocationSecond() / results.get(0).callsPerInvocationSecond();
            out.println(f(
                    "batch 10 vs batch 1: %.2fx the LLM calls per invocation-second (a sequential handler would"
                            + " be 1x; the ideal for 10 concurrent calls is 10x)",
                    ratio));
            return true;
        } finally {
            System.clearProperty("SLUICE_FAST_RPM");
            System.clearProperty("SLUICE_FAST_TPM");
        }
    }

    private Result measure(LocalSluice local, ApiClient api, ProcessorHandler processor, String label, int batch, int n)
            throws InterruptedException {
        String work = local.queueUrl(QueueRole.WORK);
        submit(api, label, n);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (local.depth(work) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + n + " work messages of " + label + " did not arrive");
            }
            Thread.sleep(100);
        }
        long callsBefore = local.simulator().calls(MODEL);
        AtomicLong busyNanos = new AtomicLong();
        AtomicLong invocations = new AtomicLong();
        AtomicLong records = new AtomicLong();
        java.util.function.BiFunction<SQSEvent, Context, SQSBatchResponse> timed = (event, context) -> {
            long t0 = System.nanoTime();
            try {
                return processor.handleRequest(event, context);
            } finally {
                busyNanos.addAndGet(System.nanoTime() - t0);
                invocations.incrementAndGet();
                records.addAndGet(event.getRecords().size());
            }
        };
        long t0 = System.nanoTime();
        try (EventSourceMapping mapping = new EventSourceMapping(
                local.sqs(),
                work,
                new EventSourceMapping.Options(
                        "processor-" + label, batch, Duration.ofMillis(500), 1, Duration.ofSeconds(60)),
                timed)) {
            deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (local.simulator().calls(MODEL) - callsBefore < n || local.depth(work) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(label + " did not finish within 5 minutes");
                }
                Thread.sleep(100);
            }
        }
        Result r = new Result(
                batch,
                invocations.get(),
                records.get(),
                busyNanos.get() / 1e9,
                local.simulator().calls(MODEL) - callsBefore);
        out.println(f(
                "  %-8s %d jobs in %.1f s: %d invocations, %.2f invocation-s, %d LLM calls",
                label, n, Figures.seconds(t0), r.invocations(), r.invocationSeconds(), r.calls()));
        return r;
    }

    private static void submit(ApiClient api, String label, int n) {
        for (int from = 0; from < n; from += SUBMIT_ITEMS) {
            List<Map<String, String>> items = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + SUBMIT_ITEMS); i++) {
                items.add(Map.of("text", label + " ticket " + i + ": the invoice total does not match my plan."));
            }
            ApiClient.Reply reply = api.post("/v1/batches", Map.of("pipeline", "classify", "items", items));
            if (reply.status() != 202) {
                throw new IllegalStateException("batch refused: HTTP " + reply.status() + " " + reply.body());
            }
        }
    }
}
