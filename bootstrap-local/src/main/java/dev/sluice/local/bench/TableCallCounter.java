package dev.sluice.local.bench;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Counts the DynamoDB requests, per operation, that name one table: a global AWS SDK interceptor (listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, so every SDK client built in this JVM has
 * one, the functions' included). It only reads the request, never changes it, and does nothing at all until a
 * benchmark calls {@link #count(String)}.
 *
 * <p>A call is counted once however often the SDK retried it; the HTTP attempts are counted separately.
 */
public final class TableCallCounter implements ExecutionInterceptor {
    /** The table counted; {@code null} while off. */
    private static volatile String table;

    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> ATTEMPTS = new ConcurrentHashMap<>();

    /** What the SDK instantiates from the classpath listing. */
    public TableCallCounter() {}

    /** Forgets what was counted and from now on counts the requests that name {@code tableName}. */
    public static void count(String tableName) {
        reset();
        table = tableName;
    }

    /** Stops counting and forgets what was counted. */
    static void reset() {
        table = null;
        CALLS.clear();
        ATTEMPTS.clear();
    }

    /** Stops counting; what was counted stays readable. */
    public static void stop() {
        table = null;
    }

    /** Calls counted per operation name (UpdateItem, GetItem, ...), each once however often it was retried. */
    public static Map<String, Long> calls() {
        return snapshot(CALLS);
    }

    /** HTTP attempts counted per operation name: a call the SDK retried counts once per attempt. */
    public static Map<String, Long> attempts() {
        return snapshot(ATTEMPTS);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((operation, n) -> copy.put(operation, n.sum()));
        return copy;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        tally(CALLS, context.request(), attributes);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        tally(ATTEMPTS, context.request(), attributes);
    }

    private static void tally(Map<String, LongAdder> counts, SdkRequest request, ExecutionAttributes attributes) {
        String counted = table;
        if (counted == null || !names(request, counted)) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (operation == null) {
            operation = request.getClass().getSimpleName().replaceFirst("Request$", "");
        }
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    /** Whether a request (of any service) names the table, itself or in one of its batched or transacted items. */
    static boolean names(SdkRequest request, String tableName) {
        Optional<String> single = request.getValueForField("TableName", String.class);
        if (single.isPresent()) {
            return single.get().equals(tableName);
        }
        String service = request.getClass().getPackageName();
        if (!service.equals("software.amazon.awssdk.services.dynamodb.model")) {
            return false;
        }
        return switch (request) {
            case BatchGetItemRequest r -> r.requestItems().containsKey(tableName);
            case BatchWriteItemRequest r -> r.requestItems().containsKey(tableName);
            case TransactWriteItemsRequest r ->
                r.transactItems().stream()
                        .anyMatch(i -> tableName.equals(
                                i.put() != null
                                        ? i.put().tableName()
                                        : i.update() != null
                                                ? i.update().tableName()
                                                : i.delete() != null
                                                        ? i.delete().tableName()
                                                        : i.conditionCheck() != null
                                                                ? i.conditionCheck()
                                                                        .tableName()
                                                                : null));
            case TransactGetItemsRequest r ->
                r.transactItems().stream()
                        .anyMatch(
                                i -> i.get() != null && tableName.equals(i.get().tableName()));
            default -> false;
        };
    }
}
