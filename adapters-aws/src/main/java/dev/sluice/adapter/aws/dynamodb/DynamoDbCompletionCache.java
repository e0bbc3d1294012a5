package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.CompletionCache;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * {@link CompletionCache} on a DynamoDB table with a TTL attribute. AWS deletes expired items up to days late (and
 * dynalite never does), so a read checks the exact expiry itself.
 */
public final class DynamoDbCompletionCache implements CompletionCache {
    /** Items must stay under DynamoDB's 400 KB; a larger answer is not worth a cache entry. */
    static final int MAX_ENTRY_BYTES = 350 * 1024;

    private static final String PK = SluiceTables.PARTITION_KEY;
    private static final String TTL = SluiceTables.TTL_ATTRIBUTE;
    private static final String EXPIRES_AT_MILLIS = "expiresAtMillis";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    /** @param table the cache table ({@code SluiceTables.cache()}) */
    public record Settings(String table) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
        }
    }

    public DynamoDbCompletionCache(DynamoDbClient client, Settings settings, Clock clock) {
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.table = settings.table();
        this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
    }

    @Override
    public Optional<Completion> get(String key) {
        GetItemResponse response;
        try {
            // An eventually consistent read is enough: a miss only costs a model call.
            response = client.getItem(b -> b.tableName(table).key(key(key)));
        } catch (SdkException e) {
            throw DynamoDbErrors.classify("GetItem (cache)", e);
        }
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        if (Long.parseLong(item.get(EXPIRES_AT_MILLIS).n()) <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(new Completion(
                CompressedText.read(item.get("text")),
                new TokenUsage(number(item, "input"), number(item, "output"), number(item, "cachedInput")),
                item.get("modelId").s(),
                item.get("finishReason").s(),
                // Not kept (entries written before may still hold one): the trace of the paid call has it.
                ""));
    }

    @Override
    public void put(String key, Completion completion, Duration ttl) {
        Instant expiresAt = clock.instant().plus(ttl);
        try {
            if (sizeOf(key, completion) > MAX_ENTRY_BYTES) {
                // Put overwrites: an entry too large to store must not leave an older answer behind.
                client.deleteItem(b -> b.tableName(table).key(key(key)));
                return;
            }
            Map<String, AttributeValue> item = new HashMap<>(key(key));
            // Compressed: the entry's size is what its write costs, and an answer is most of it.
            item.put("text", CompressedText.of(completion.text()));
            item.put("input", n(completion.usage().input()));
            item.put("output", n(completion.usage().output()));
            item.put("cachedInput", n(completion.usage().cachedInput()));
            item.put("modelId", AttributeValue.fromS(completion.modelId()));
            item.put("finishReason", AttributeValue.fromS(completion.finishReason()));
            item.put(EXPIRES_AT_MILLIS, n(expiresAt.toEpochMilli()));
            // AWS's TTL wants whole epoch seconds; rounding up never lets AWS delete an entry before it expires.
            long ttlSeconds = expiresAt.getEpochSecond() + (expiresAt.getNano() > 0 ? 1 : 0);
            item.put(TTL, n(ttlSeconds));
            client.putItem(b -> b.tableName(table).item(item));
        } catch (SdkException e) {
            throw DynamoDbErrors.classify("PutItem (cache)", e);
        }
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(PK, AttributeValue.fromS(key));
    }

    private static long sizeOf(String key, Completion c) {
        return utf8(key) + utf8(c.text()) + utf8(c.modelId()) + utf8(c.finishReason()) + 200;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
