package dev.sluice.local.bench;

import dev.sluice.adapter.aws.resources.SluiceTables;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Counts every AWS request made in this JVM, by service and operation, with the bytes sent and received and, for
 * DynamoDB, the request units consumed: a global AWS SDK interceptor (listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, so every client built here has one, the
 * functions' included). It does nothing until a benchmark calls {@link #start()}.
 *
 * <p>While counting, DynamoDB requests are asked to {@code ReturnConsumedCapacity=TOTAL}, so request units are the
 * table's own figures (dynalite computes them by AWS's rules: writes per started KB of the larger of the old and new
 * item, reads per started 4 KB, half for eventually consistent reads); that changes the response only, which the
 * callers ignore. A write refused by its condition is counted as one write unit, the least AWS charges for it.
 */
public final class AwsRequestCounter implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("sluice.bench.sent");
    /** SQS and EventBridge bill every started 64 KB of a request's payload as one request (one event). */
    static final long CHUNK = 64 * 1024;

    private static volatile boolean counting;
    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

    /** What the SDK instantiates from the classpath listing. */
    public AwsRequestCounter() {}

    /** One operation's figures. */
    public record Count(
            String service,
            String operation,
            String target,
            long calls,
            long empty,
            long failed,
            long bytes,
            long chunks,
            long entries,
            double units) {}

    private static final class Tally {
        final LongAdder calls = new LongAdder();
        final LongAdder empty = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder chunks = new LongAdder();
        final LongAdder entries = new LongAdder();
        final DoubleAdder units = new DoubleAdder();
    }

    /** Forgets what was counted and counts from now on. */
    public static void start() {
        TALLIES.clear();
        counting = true;
    }

    /** Stops counting; what was counted stays readable. */
    public static void stop() {
        counting = false;
    }

    /**
     * Every operation counted, keyed {@code Service Operation}. {@code bytes} is the larger of request and response
     * body per call, summed; {@code chunks} the started 64 KB of each call's larger body (at least one), summed, as SQS
     * bills; {@code entries} the events of PutEvents calls (one per other call); {@code empty} counts SQS receives
     * that returned nothing.
     */
    public static Map<String, Count> counts() {
        Map<String, Count> out = new TreeMap<>();
        TALLIES.forEach((key, t) -> {
            String[] parts = key.split(" ", 3);
            out.put(
                    key,
                    new Count(
                            parts[0],
                            parts[1],
                            parts[2],
                            t.calls.sum(),
                            t.empty.sum(),
                            t.failed.sum(),
                            t.bytes.sum(),
                            t.chunks.sum(),
                            t.entries.sum(),
                            t.units.sum()));
        });
        return out;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!counting) {
            return context.request();
        }
        return switch (context.request()) {
            case GetItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case PutItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case UpdateItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case DeleteItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case QueryRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case ScanRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case BatchGetItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            case BatchWriteItemRequest r ->
                r.toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build();
            default -> context.request();
        };
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        long sent = context.requestBody()
                .flatMap(b -> b.optionalContentLength())
                .or(() -> context.httpRequest()
                        .firstMatchingHeader("Content-Length")
                        .map(Long::parseLong))
                .orElse(0L);
        attributes.putAttribute(SENT, sent);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        Tally t = tally(attributes, context.request());
        t.calls.increment();
        long received = context.httpResponse()
                .firstMatchingHeader("Content-Length")
                .map(Long::parseLong)
                .orElse(0L);
        long sent = Optional.ofNullable(attributes.getAttribute(SENT)).orElse(0L);
        long larger = Math.max(sent, received);
        t.bytes.add(larger);
        t.chunks.add(Math.max(1, (larger + CHUNK - 1) / CHUNK));
        t.entries.add(entries(context.request()));
        SdkResponse response = context.response();
        if (response instanceof ReceiveMessageResponse r && r.messages().isEmpty()) {
            t.empty.increment();
        }
        t.units.add(units(response) + indexUnits(context.request()));
    }

    /**
     * Write units of the jobs table's keys-only index, which dynalite leaves out of its figures and AWS counts in
     * TOTAL: one for each job item written with its index key ({@code listedIn}, set once, when the job is created;
     * the index's item is its three keys, well under 1 KB). Later writes change no key of the index and cost it nothing.
     */
    private static double indexUnits(SdkRequest request) {
        return request instanceof PutItemRequest put && put.item().containsKey(SluiceTables.LISTED_IN) ? 1 : 0;
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        Tally t = tally(attributes, context.request());
        t.calls.increment();
        t.failed.increment();
        if ("DynamoDb".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            t.units.add(1);
        }
    }

    private static Tally tally(ExecutionAttributes attributes, SdkRequest request) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return TALLIES.computeIfAbsent(service + " " + operation + " " + target(request), k -> new Tally());
    }

    /**
     * What a request is about, to tell the line items apart: a table, a queue, or an object key's kind (its first
     * segment and, under {@code jobs/}, the kind of value: {@code jobs/*}{@code /input}, {@code .../hops}; a batch's
     * trace segment is {@code traces/segments/*}).
     */
    static String target(SdkRequest request) {
        Optional<String> table = request.getValueForField("TableName", String.class);
        if (table.isPresent()) {
            return table.get();
        }
        Optional<String> queue = request.getValueForField("QueueUrl", String.class);
        if (queue.isPresent()) {
            return queue.get().substring(queue.get().lastIndexOf('/') + 1);
        }
        Optional<String> key = request.getValueForField("Key", String.class)
                .or(() -> request.getValueForField("Prefix", String.class));
        if (key.isPresent()) {
            String[] segments = key.get().split("/");
            if (segments.length > 2 && segments[1].equals("segments")) {
                return segments[0] + "/segments/*";
            }
            return segments.length > 2 ? segments[0] + "/*/" + segments[2] : segments[0];
        }
        return "-";
    }

    /** Events in a PutEvents request (each is billed), else 1. */
    private static long entries(SdkRequest request) {
        return request instanceof PutEventsRequest r ? r.entries().size() : 1;
    }

    /** The request units a DynamoDB response reports (none for other services). */
    private static double units(SdkResponse response) {
        Object reported =
                response.getValueForField("ConsumedCapacity", Object.class).orElse(null);
        return switch (reported) {
            case ConsumedCapacity c -> units(c);
            case List<?> l ->
                l.stream()
                        .filter(ConsumedCapacity.class::isInstance)
                        .mapToDouble(c -> units((ConsumedCapacity) c))
                        .sum();
            case null, default -> 0;
        };
    }

    private static double units(ConsumedCapacity c) {
        return Optional.ofNullable(c.capacityUnits()).orElse(0.0);
    }
}
