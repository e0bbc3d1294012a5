package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link RateLimiter} shared by every consumer through one DynamoDB item per key and fixed window.
 *
 * <p>An acquisition is ONE conditional {@code UpdateItem} that adds the request and the estimated tokens only if
 * every counter stays within its limit, so concurrent clients can never overshoot and need no read-modify-write.
 * A denial reads the counters (from the failed write on AWS, by a {@code GetItem} where the endpoint cannot return
 * them) to say which limit was reached; the counters this client last saw also let it deny locally, without a call,
 * while its window's request limit is used up (requests are never given back, so that answer is exact) or, for a
 * short while, while its token limits are.
 */
public final class DynamoDbRateLimiter implements RateLimiter {
    private static final String PK = SluiceTables.PARTITION_KEY;
    private static final String TTL = SluiceTables.TTL_ATTRIBUTE;
    private static final String REQUESTS = "requests";
    private static final String TOKENS = "tokens";
    private static final String INPUT = "inputTokens";
    private static final String OUTPUT = "outputTokens";
    private static final int WRITE_ATTEMPTS = 3;
    private static final Duration KEEP_AFTER_WINDOW = Duration.ofMinutes(10);

    private final DynamoDbClient client;
    private final String table;
    private final Duration window;
    private final Duration tokenMemo;
    private final Clock clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /**
     * @param table the limits table ({@code SluiceTables.limits()})
     * @param window the window the limits apply to: one minute for providers' RPM/TPM; shorter only in benchmarks
     * @param tokenMemo how long token counters seen by this client may deny locally; zero always asks DynamoDB
     */
    public record Settings(String table, Duration window, Duration tokenMemo) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
            Objects.requireNonNull(window, "'window' must not be null");
            Objects.requireNonNull(tokenMemo, "'tokenMemo' must not be null");
            if (window.toMillis() < 1000) {
                throw new IllegalArgumentException("'window' must be at least one second");
            }
            if (tokenMemo.isNegative()) {
                throw new IllegalArgumentException("'tokenMemo' must not be negative");
            }
        }

        /** One-minute windows; token counters seen in the last 250 ms may deny locally. */
        public static Settings of(String table) {
            return new Settings(table, Duration.ofMinutes(1), Duration.ofMillis(250));
        }
    }

    private record Usage(long requests, long tokens, long input, long output) {
        static final Usage NONE = new Usage(0, 0, 0, 0);

        static Usage of(Map<String, AttributeValue> item, Usage fallback) {
            return new Usage(
                    number(item, REQUESTS, fallback.requests),
                    number(item, TOKENS, fallback.tokens),
                    number(item, INPUT, fallback.input),
                    number(item, OUTPUT, fallback.output));
        }

        private static long number(Map<String, AttributeValue> item, String name, long fallback) {
            AttributeValue v = item.get(name);
            return v == null || v.n() == null ? fallback : Long.parseLong(v.n());
        }
    }

    /** Counters of one window as this client last saw them, and when. */
    private record Seen(Instant window, Usage used, Instant at) {}

    public DynamoDbRateLimiter(DynamoDbClient client, Settings settings, Clock clock) {
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.table = settings.table();
        this.window = settings.window();
        this.tokenMemo = settings.tokenMemo();
        this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
    }

    @Override
    public Admission tryAcquire(String key, RateLimits limits, TokenUsage estimate) {
        Instant now = clock.instant();
        Instant start = windowStart(now);
        Duration untilNext = Duration.between(now, start.plus(window));
        if (!limits.isLimited()) {
            return new Admission.Granted(new Permit(key, start, estimate));
        }
        Optional<String> never = neverFits(limits, estimate);
        if (never.isPresent()) {
            return new Admission.Denied(untilNext, never.get());
        }
        Seen last = seen.get(key);
        if (last != null && last.window().equals(start)) {
            boolean tokensFresh = Duration.between(last.at(), now).compareTo(tokenMemo) < 0;
            Optional<String> over = over(limits, last.used(), estimate, tokensFresh);
            if (over.isPresent()) {
                return new Admission.Denied(untilNext, over.get());
            }
        }
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            try {
                Map<String, AttributeValue> after = call(
                                "UpdateItem (acquire)", () -> client.updateItem(reserve(key, start, limits, estimate)))
                        .attributes();
                seen.put(key, new Seen(start, Usage.of(after, Usage.NONE), now));
                return new Admission.Granted(new Permit(key, start, estimate));
            } catch (ConditionalCheckFailedException e) {
                Usage used = e.hasItem() && !e.item().isEmpty()
                        ? Usage.of(e.item(), Usage.NONE)
                        : read(key, start).orElse(Usage.NONE);
                seen.put(key, new Seen(start, used, now));
                Optional<String> over = over(limits, used, estimate, true);
                if (over.isPresent()) {
                    return new Admission.Denied(untilNext, over.get());
                }
                // The counters went down (a settle) between the write and the read: the request may fit now.
            }
        }
        return new Admission.Denied(
                Duration.ofSeconds(1).compareTo(untilNext) < 0 ? Duration.ofSeconds(1) : untilNext,
                "limits of " + key + " are contended; try again shortly");
    }

    @Override
    public void settle(Permit permit, TokenUsage actual) {
        Instant now = clock.instant();
        if (!windowStart(now).equals(permit.window())) {
            return; // the window is over: what it counted no longer limits anyone
        }
        long tokens = actual.total() - permit.reserved().total();
        long input = actual.input() - permit.reserved().input();
        long output = actual.output() - permit.reserved().output();
        if (tokens == 0 && input == 0 && output == 0) {
            return;
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(itemKey(permit.key(), permit.window()))
                .updateExpression("ADD #tokens :tokens, #input :input, #output :output")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK, "#tokens", TOKENS, "#input", INPUT, "#output", OUTPUT))
                .expressionAttributeValues(Map.of(":tokens", n(tokens), ":input", n(input), ":output", n(output)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build();
        try {
            Map<String, AttributeValue> after = call("UpdateItem (settle)", () -> client.updateItem(request))
                    .attributes();
            seen.compute(permit.key(), (k, last) -> {
                Usage before = last != null && last.window().equals(permit.window()) ? last.used() : Usage.NONE;
                return new Seen(permit.window(), Usage.of(after, before), now);
            });
        } catch (ConditionalCheckFailedException e) {
            // The window's item has already expired and been removed: nothing is left to correct.
        }
    }

    private UpdateItemRequest reserve(String key, Instant start, RateLimits limits, TokenUsage estimate) {
        Map<String, String> names = new HashMap<>(
                Map.of("#requests", REQUESTS, "#tokens", TOKENS, "#input", INPUT, "#output", OUTPUT, "#ttl", TTL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":one", n(1),
                ":tokens", n(estimate.total()),
                ":input", n(estimate.input()),
                ":output", n(estimate.output()),
                ":ttl", n(start.plus(window).plus(KEEP_AFTER_WINDOW).getEpochSecond())));
        List<String> conditions = new ArrayList<>();
        limit(conditions, values, "#requests", ":maxRequests", limits.rpm(), limits.rpm() - 1);
        limit(conditions, values, "#tokens", ":maxTokens", limits.tpm(), limits.tpm() - estimate.total());
        limit(conditions, values, "#input", ":maxInput", limits.inputTpm(), limits.inputTpm() - estimate.input());
        limit(conditions, values, "#output", ":maxOutput", limits.outputTpm(), limits.outputTpm() - estimate.output());
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(itemKey(key, start))
                .updateExpression("ADD #requests :one, #tokens :tokens, #input :input, #output :output SET #ttl = :ttl")
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW)
                // AWS returns the counters with the failure, sparing the read that explains a denial.
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** The counter may grow by this request only if it stays within the limit (all counters start together). */
    private static void limit(
            List<String> conditions,
            Map<String, AttributeValue> values,
            String counter,
            String maxName,
            long limit,
            long maxBefore) {
        if (limit > 0) {
            conditions.add("(attribute_not_exists(" + counter + ") OR " + counter + " <= " + maxName + ")");
            values.put(maxName, n(maxBefore));
        }
    }

    private Optional<Usage> read(String key, Instant start) {
        var response = call(
                "GetItem (limits)",
                () -> client.getItem(
                        b -> b.tableName(table).key(itemKey(key, start)).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(Usage.of(response.item(), Usage.NONE))
                : Optional.empty();
    }

    private Optional<String> over(RateLimits l, Usage used, TokenUsage e, boolean checkTokens) {
        if (l.rpm() > 0 && used.requests() + 1 > l.rpm()) {
            return Optional.of("requests " + per() + " limit " + l.rpm() + " reached");
        }
        if (!checkTokens) {
            return Optional.empty();
        }
        if (l.tpm() > 0 && used.tokens() + e.total() > l.tpm()) {
            return Optional.of("tokens " + per() + " limit " + l.tpm() + " reached");
        }
        if (l.inputTpm() > 0 && used.input() + e.input() > l.inputTpm()) {
            return Optional.of("input tokens " + per() + " limit " + l.inputTpm() + " reached");
        }
        if (l.outputTpm() > 0 && used.output() + e.output() > l.outputTpm()) {
            return Optional.of("output tokens " + per() + " limit " + l.outputTpm() + " reached");
        }
        return Optional.empty();
    }

    /** An estimate larger than a whole window's limit can never be granted; saying so saves a write. */
    private Optional<String> neverFits(RateLimits l, TokenUsage e) {
        if (l.tpm() > 0 && e.total() > l.tpm()) {
            return Optional.of("estimate of " + e.total() + " tokens exceeds the tokens " + per() + " limit " + l.tpm()
                    + " and can never be granted");
        }
        if (l.inputTpm() > 0 && e.input() > l.inputTpm()) {
            return Optional.of("estimate of " + e.input() + " input tokens exceeds the input tokens " + per()
                    + " limit " + l.inputTpm() + " and can never be granted");
        }
        if (l.outputTpm() > 0 && e.output() > l.outputTpm()) {
            return Optional.of("estimate of " + e.output() + " output tokens exceeds the output tokens " + per()
                    + " limit " + l.outputTpm() + " and can never be granted");
        }
        return Optional.empty();
    }

    private String per() {
        return window.equals(Duration.ofMinutes(1)) ? "per minute" : "per " + window;
    }

    private Instant windowStart(Instant now) {
        long ms = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), ms) * ms);
    }

    private static Map<String, AttributeValue> itemKey(String key, Instant windowStart) {
        return Map.of(PK, AttributeValue.fromS(key + "@" + windowStart.toEpochMilli()));
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static <T> T call(String what, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoDbErrors.classify(what, e);
        }
    }
}
