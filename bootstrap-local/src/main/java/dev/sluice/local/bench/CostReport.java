package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import dev.sluice.local.bench.AwsRequestCounter.Count;
import dev.sluice.local.bench.CostBench.Measured;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Multiplies what {@link CostBench} counted by the {@link PriceTable} and prints it, per million LLM calls. */
final class CostReport {
    /** Lambda's START, END and REPORT lines per invocation, about this many bytes (not measured locally). */
    static final int PLATFORM_LOG_BYTES = 350;

    static final double GOAL_PER_MILLION = 12.0;

    /** The batch prices against the live ones, as a route's default (and the bundled routes') has them. */
    static final double BATCH_PRICE_RATIO = 0.5;

    private static final double GB = 1024.0 * 1024 * 1024;
    private static final Set<String> POLLER_SQS = Set.of("ReceiveMessage", "DeleteMessageBatch");
    private static final Set<String> BENCH_OWN = Set.of("GetQueueAttributes");
    private static final Set<String> DYNAMO_WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem");
    private static final Set<String> S3_PUT_CLASS =
            Set.of("PutObject", "CopyObject", "ListObjectsV2", "ListObjects", "CreateMultipartUpload", "UploadPart");
    private static final Set<String> S3_FREE = Set.of("DeleteObject", "DeleteObjects");

    private final PrintStream out;
    private final PriceTable prices;
    private final StackSizes sizes;
    private final double latency;
    private final CostBench.Settings settings;

    CostReport(PrintStream out, PriceTable prices, StackSizes sizes, CostBench.Settings settings) {
        this.out = out;
        this.prices = prices;
        this.sizes = sizes;
        this.settings = settings;
        this.latency = settings.modelLatency().toMillis() / 1000.0;
    }

    /** USD for the whole run, by line item, in print order. */
    Map<String, Double> items(Measured m) {
        Map<String, Double> items = new LinkedHashMap<>();
        double pGbS = gb(sizes.processorMemoryMb()) * processorBilledSeconds(m);
        items.put(
                f("Lambda processor compute (%d MB, GB-s)", sizes.processorMemoryMb()), pGbS * prices.lambdaGbSecond());
        items.put("Lambda processor requests", m.processor().invocations.get() * prices.lambdaRequest());
        items.put(
                f("Lambda finalizer compute (%d MB)", sizes.finalizerMemoryMb()),
                gb(sizes.finalizerMemoryMb()) * m.finalizer().seconds() * prices.lambdaGbSecond());
        items.put("Lambda finalizer requests", m.finalizer().invocations.get() * prices.lambdaRequest());
        items.put(
                f("Lambda dispatcher compute (%d MB)", sizes.dispatcherMemoryMb()),
                gb(sizes.dispatcherMemoryMb()) * m.dispatcherSeconds() * prices.lambdaGbSecond());
        items.put("Lambda dispatcher requests", m.dispatcherInvocations() * prices.lambdaRequest());
        items.put("API Gateway HTTP API requests", m.dispatcherInvocations() * prices.apiGatewayRequest());
        items.put("SQS sends by the functions (64 KB chunks)", sqsChunks(m, false) * prices.sqsRequest());
        items.put("SQS receives + deletes by the event sources", sqsChunks(m, true) * prices.sqsRequest());
        items.put("DynamoDB write request units", units(m, true) * prices.dynamoWriteUnit());
        items.put("DynamoDB read request units", units(m, false) * prices.dynamoReadUnit());
        items.put("S3 PUT/LIST requests", s3Requests(m, true) * prices.s3Put());
        items.put("S3 GET requests", s3Requests(m, false) * prices.s3Get());
        items.put(
                f("S3 storage (%d days of traces)", sizes.traceDays()),
                s3PutBytes(m) / GB * prices.s3GbMonth() * sizes.traceDays() / 30.0);
        items.put("EventBridge events", events(m) * prices.eventBridgeEvent());
        items.put("CloudWatch Logs: log lines", (m.logs().bytes() + platformBytes(m)) / GB * prices.logsIngestedGb());
        items.put("CloudWatch Logs: EMF metric lines", m.emf().bytes() / GB * prices.logsIngestedGb());
        return items;
    }

    void print(Measured sluice, Measured naive) {
        out.println();
        out.println(f(
                "stack %s: processor %d MB, batches of %d; finalizer %d MB, batches of %d; dispatcher %d MB",
                sizes.stack(),
                sizes.processorMemoryMb(),
                sizes.processorBatchSize(),
                sizes.finalizerMemoryMb(),
                sizes.finalizerBatchSize(),
                sizes.dispatcherMemoryMb()));
        out.println(f(
                "assumed per model call: %.1f s latency, %d input / %d output tokens (measured here: %.0f / %.0f);"
                        + " prices %s %s, arm64 (%s)",
                latency,
                settings.inputTokens(),
                settings.outputTokens(),
                sluice.emf().total("InputTokens") / sluice.llmCalls(),
                sluice.emf().total("OutputTokens") / sluice.llmCalls(),
                prices.region(),
                prices.date(),
                PriceTable.RESOURCE));
        printRequests(sluice);
        printItems(sluice, naive);
        printFargate(sluice, naive);
    }

    private void printRequests(Measured m) {
        out.println();
        out.println(f(
                "AWS requests per LLM call, %s design (counted by an SDK interceptor in every function's clients):",
                m.label()));
        out.println(f(
                "  %-40s %-26s %9s %7s %11s",
                "service operation", "table, queue or objects", "per call", "failed", "units/call"));
        for (Count c : m.requests().values()) {
            if (BENCH_OWN.contains(c.operation())) {
                continue;
            }
            long calls = c.calls() - c.empty();
            String who = POLLER_SQS.contains(c.operation()) ? " (event source)" : "";
            out.println(f(
                    "  %-40s %-26s %9.3f %7d %11s",
                    c.service() + " " + c.operation() + who,
                    c.target(),
                    (double) calls / m.llmCalls(),
                    c.failed(),
                    c.units() > 0 ? f("%.2f", c.units() / m.llmCalls()) : ""));
        }
        long empty = m.requests().values().stream().mapToLong(Count::empty).sum();
        out.println(f(
                "  (%d empty receives of idle pollers left out: Lambda's pollers cost about the same whatever the"
                        + " load)",
                empty));
        out.println(f(
                "  log lines per LLM call: %.2f (%.0f bytes); EMF lines per call: %.2f (%.0f bytes); distinct metrics: %d",
                (double) m.logs().lines() / m.llmCalls(),
                (double) m.logs().bytes() / m.llmCalls(),
                (double) m.emf().lines() / m.llmCalls(),
                (double) m.emf().bytes() / m.llmCalls(),
                m.emf().metrics().size()));
    }

    private void printItems(Measured sluice, Measured naive) {
        Map<String, Double> s = items(sluice);
        Map<String, Double> n = items(naive);
        out.println();
        out.println(f(
                "USD per million LLM calls          %24s %22s",
                "sluice (batch " + sluice.processorBatch() + ")", "naive (batch 1)"));
        List<String> names = new ArrayList<>(s.keySet());
        double st = 0;
        double nt = 0;
        for (int i = 0; i < names.size(); i++) {
            double sv = perMillion(s.get(names.get(i)), sluice);
            double nv = perMillion(new ArrayList<>(n.values()).get(i), naive);
            st += sv;
            nt += nv;
            out.println(f("  %-48s %10.3f %22.3f", names.get(i), sv, nv));
        }
        out.println(f("  %-48s %10.2f %22.2f", "total", st, nt));
        out.println(f("  naive / sluice: %.1fx", nt / st));
        out.println(f(
                "  sluice: $%.2f per million LLM calls, %s the $%.0f goal",
                st, st <= GOAL_PER_MILLION ? "within" : "OVER", GOAL_PER_MILLION));
        out.println(f(
                "  not in the totals: the model's own price (%s at its configured prices, for the tokens measured"
                        + " here: $%.0f per million calls); %d custom metrics at $%.2f a month each ($%.2f a month,"
                        + " whatever the volume)",
                CostBench.MODEL,
                sluice.emf().total("CostMicroUsd") / sluice.llmCalls(),
                sluice.emf().metrics().size(),
                prices.metricMonth(),
                sluice.emf().metrics().size() * prices.metricMonth()));
        double h = settings.semanticHitRate();
        if (h > 0) {
            double model = sluice.emf().total("CostMicroUsd") / sluice.llmCalls();
            out.println(f(
                    "  with a semantic cache answering %.0f%% of requests (--semantic-hit-rate, an input, not measured"
                            + " here): the model's price falls from $%.0f to"
                            + " $%.0f per million requests; a hit still takes the request's AWS path (API, dispatcher,"
                            + " job record, cache read, finalizer) without a model call, and every lookup embeds the"
                            + " inputs and searches the vector store (the embedded store's CPU is in the processor's"
                            + " time; a managed store is billed by the hour, not per request)",
                    100 * h, model, model * (1 - h)));
        }
        double b = settings.batchShare();
        if (b > 0) {
            double model = sluice.emf().total("CostMicroUsd") / sluice.llmCalls() * (1 - h);
            double batched = model * (1 - b) + model * b * BATCH_PRICE_RATIO;
            out.println(f(
                    "  with %.0f%% of the model calls through a batch route (--batch-share, an input, not measured"
                            + " here) at the batch prices (%.0f%% of the live ones: the default, and the bundled"
                            + " routes'): the model's price falls from $%.0f to $%.0f per million requests; each"
                            + " parked call adds AWS requests not in the totals above (its line and window written"
                            + " once, and every look at it until it is answered: an SQS send and receive, a lease"
                            + " write and two reads, about a hundred looks over a day's wait), and the batcher's runs",
                    100 * b, 100 * BATCH_PRICE_RATIO, model, batched));
        }
        out.println();
        for (Measured m : List.of(sluice, naive)) {
            double o = m.processor().seconds() / m.processor().withModelCalls.get();
            double c = (double) m.llmCalls() / m.processor().withModelCalls.get();
            out.println(f(
                    "  %s: processor billed seconds per LLM call = (o + L) / c = (%.3f + %.3f) / %.2f = %.3f s",
                    m.label(), o, latency, c, (o + latency) / c));
        }
        out.println("    o: sluice's measured time in the processor per invocation that called the model (the other"
                + " invocations' time, e.g. cache hits and deferrals, included)");
        out.println("    L: the assumed model latency (the stand-ins answer at once; the invocation waits L once, as"
                + " its calls run concurrently)");
        out.println("    c: LLM calls per invocation that called the model, measured with batches of up to the stack's"
                + " batch size");
        out.println(f(
                "    Lambda: GB-s = memory GB x billed seconds; plus %d bytes of platform log lines per invocation;"
                        + " measured on this machine's cores, not Lambda's (about 0.6 vCPU at 1,024 MB)",
                PLATFORM_LOG_BYTES));
    }

    private void printFargate(Measured sluice, Measured naive) {
        double taskHour = prices.fargateTaskHour(sizes.fargateCpu(), sizes.fargateMemoryMb());
        out.println();
        out.println(f(
                "Fargate worker (consumers: fargate): one task of %.2f vCPU and %d MB costs $%.4f an hour and runs"
                        + " the processor and finalizer; the dispatcher, queues, tables and bucket cost the same",
                sizes.fargateCpu() / 1024.0, sizes.fargateMemoryMb(), taskHour));
        double concurrent = sizes.workerConcurrency() * 10.0;
        double capacity = concurrent * 3600 / latency;
        for (Measured m : List.of(sluice, naive)) {
            double perCall = consumersPerCall(m);
            double crossover = taskHour / perCall;
            out.println(f(
                    "  %s: Lambda consumers cost $%.3f per million calls; Fargate is cheaper above %,.0f calls an"
                            + " hour%s",
                    m.label(),
                    perCall * 1e6,
                    crossover,
                    crossover <= capacity
                            ? ""
                            : f(" (beyond one task's %,.0f an hour: Fargate never is cheaper)", capacity)));
        }
        out.println(f(
                "  one task serves up to %,.0f calls an hour at L = %.1f s (%d concurrent batches of 10); the"
                        + " crossover assumes the processor's batches are full, which needs the backlog or a batching"
                        + " window to hold a batch when a poller receives",
                capacity, latency, sizes.workerConcurrency()));
    }

    /** What the Fargate worker replaces: the processor's and finalizer's compute and requests, per LLM call. */
    double consumersPerCall(Measured m) {
        double processor = gb(sizes.processorMemoryMb()) * processorBilledSeconds(m) * prices.lambdaGbSecond()
                + m.processor().invocations.get() * prices.lambdaRequest();
        double finalizer = gb(sizes.finalizerMemoryMb()) * m.finalizer().seconds() * prices.lambdaGbSecond()
                + m.finalizer().invocations.get() * prices.lambdaRequest();
        return (processor + finalizer) / m.llmCalls();
    }

    /** Measured time in the handler plus the model latency once per invocation that called the model. */
    private double processorBilledSeconds(Measured m) {
        return m.processor().seconds() + latency * m.processor().withModelCalls.get();
    }

    private static double perMillion(double usd, Measured m) {
        return usd / m.llmCalls() * 1e6;
    }

    private static double gb(int mb) {
        return mb / 1024.0;
    }

    private static long platformBytes(Measured m) {
        return PLATFORM_LOG_BYTES
                * (m.processor().invocations.get() + m.finalizer().invocations.get() + m.dispatcherInvocations());
    }

    private static double sqsChunks(Measured m, boolean pollers) {
        return m.requests().values().stream()
                .filter(c -> c.service().equals("Sqs"))
                .filter(c -> !BENCH_OWN.contains(c.operation()))
                .filter(c -> POLLER_SQS.contains(c.operation()) == pollers)
                .mapToLong(c -> c.chunks() - c.empty())
                .sum();
    }

    private static double units(Measured m, boolean writes) {
        return m.requests().values().stream()
                .filter(c -> c.service().equals("DynamoDb"))
                .filter(c -> DYNAMO_WRITES.contains(c.operation()) == writes)
                .mapToDouble(Count::units)
                .sum();
    }

    private static double s3Requests(Measured m, boolean putClass) {
        return m.requests().values().stream()
                .filter(c -> c.service().equals("S3"))
                .filter(c -> !S3_FREE.contains(c.operation()))
                .filter(c -> S3_PUT_CLASS.contains(c.operation()) == putClass)
                .mapToLong(Count::calls)
                .sum();
    }

    private static double s3PutBytes(Measured m) {
        return m.requests().values().stream()
                .filter(c -> c.service().equals("S3") && c.operation().equals("PutObject"))
                .mapToLong(Count::bytes)
                .sum();
    }

    private static double events(Measured m) {
        return m.requests().values().stream()
                .filter(c -> c.service().equals("EventBridge") && c.operation().equals("PutEvents"))
                .mapToLong(Count::entries)
                .sum();
    }
}
