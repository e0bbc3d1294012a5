package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * {@link ParkedCalls} in the cache table ({@code SluiceTables.cache()}), each write one conditional single-item
 * write, so a writer killed between two writes and run again writes the same:
 *
 * <ul>
 *   <li>{@code BATCHLINE#<key>}: a line, written once ({@code attribute_not_exists}), answered or errored only while
 *       its state is {@code WAITING}; its system and prompt compressed as the completion cache compresses its
 *       answers; {@code claimed} set once, by the hop that takes its outcome. Kept three days after it was parked.
 *   <li>{@code BATCHWINDOW#<alias>#<slot>#<shard>}: the keys listed on a window, as a string set spread over
 *       {@value #SHARDS} items by a hash of the key, so a window holds tens of thousands of keys. A key is listed
 *       before its line is written. Kept three days after its last listing.
 *   <li>{@code BATCHSUB#<alias>#<slot>}: a window's submission, written once; {@code BATCHOPEN#<alias>}: the slots of
 *       the model's open submissions, a slot added before its submission is written and removed after it is closed.
 *       Kept seven days.
 *   <li>{@code BATCHCURSOR#<alias>}: the model's last window sent, which only moves forward; never expires.
 * </ul>
 *
 * <p>Reads are strongly consistent: a batcher reads what the processors parked a moment before. Items expire by TTL
 * only to keep the table small; reads do not filter on it. The provider's raw response to a line is not kept, as the
 * completion cache does not keep it. SDK failures are {@link TransientException}s or {@link PermanentException}s as
 * {@link DynamoDbErrors} classifies them.
 */
public final class DynamoDbParkedCalls implements ParkedCalls {
    /** Items the keys of one window are spread over. */
    static final int SHARDS = 16;

    /** What a line's system and prompt may take, compressed: the rest of the 400 KB item is its answer's. */
    static final int MAX_CALL_BYTES = 200 * 1024;

    /** What a line's answer text may take, compressed; a longer answer is kept as an error, so it is asked live. */
    static final int MAX_ANSWER_BYTES = 150 * 1024;

    static final Duration LINE_TTL = Duration.ofDays(3);
    static final Duration SUBMISSION_TTL = Duration.ofDays(7);

    private static final String PK = SluiceTables.PARTITION_KEY;
    private static final String TTL = SluiceTables.TTL_ATTRIBUTE;

    private static final String ALIAS = "alias";
    private static final String SYSTEM = "system";
    private static final String PROMPT = "prompt";
    private static final String PARKED_AT = "parkedAt";
    private static final String SLOT = "slot";
    private static final String RESENDS = "resends";
    private static final String STATE = "state";
    private static final String ANSWER_TEXT = "answerText";
    private static final String INPUT = "input";
    private static final String OUTPUT = "output";
    private static final String CACHED_INPUT = "cachedInput";
    private static final String MODEL_ID = "modelId";
    private static final String FINISH_REASON = "finishReason";
    private static final String ERROR_KIND = "errorKind";
    private static final String ERROR_PERMANENT = "errorPermanent";
    private static final String ERROR_STATUS = "errorStatus";
    private static final String ERROR_DETAIL = "errorDetail";
    private static final String KEYS = "keys";
    private static final String BATCH_ID = "batchId";
    private static final String LINES = "lines";
    private static final String SUBMITTED_AT = "submittedAt";
    private static final String OPEN = "open";
    private static final String SLOTS = "slots";
    private static final String CLAIMED = "claimed";

    private static final String NOT_EXISTS = "attribute_not_exists(#pk)";
    private static final String EXISTS = "attribute_exists(#pk)";
    private static final String WAITING = "#state = :waiting";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    /** @param table the cache table ({@code SluiceTables.cache()}) */
    public record Settings(String table) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
        }
    }

    public DynamoDbParkedCalls(DynamoDbClient client, Settings settings, Clock clock) {
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.table = settings.table();
        this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
    }

    @Override
    public Optional<Line> line(String key) {
        return read("GetItem (parked line)", lineKey(key)).map(item -> line(key, item));
    }

    @Override
    public Line park(Line line) {
        Map<String, AttributeValue> item = lineItem(line);
        list(line.key(), line.alias(), line.slot());
        try {
            call(
                    "PutItem (parked line)",
                    () -> client.putItem(b -> b.tableName(table)
                            .item(item)
                            .conditionExpression(NOT_EXISTS)
                            .expressionAttributeNames(Map.of("#pk", PK))));
            return line(line.key(), item);
        } catch (ConditionalCheckFailedException e) {
            return line(line.key())
                    .orElseThrow(() -> new TransientException(
                            "parked line " + line.key() + " was there to refuse its write, then was gone", e));
        }
    }

    @Override
    public List<String> listed(String alias, long slot) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            keys.add(key(windowKey(alias, slot, shard)));
        }
        Set<String> listed = new LinkedHashSet<>();
        for (Map<String, AttributeValue> item : readAll("BatchGetItem (batch window)", keys)) {
            AttributeValue set = item.get(KEYS);
            if (set != null && set.hasSs()) {
                listed.addAll(set.ss());
            }
        }
        return List.copyOf(listed);
    }

    @Override
    public void resend(String key, long slot) {
        move(key, slot, true);
    }

    @Override
    public void carry(String key, long slot) {
        move(key, slot, false);
    }

    /** Lists a waiting line on window {@code slot} and moves it there, counting a resend if {@code resent}. */
    private void move(String key, long slot, boolean resent) {
        Optional<Line> line = line(key);
        if (line.isEmpty() || line.get().state() != State.WAITING) {
            return;
        }
        list(key, line.get().alias(), slot);
        // A carried line adds nothing to its resends.
        conditionally(
                "UpdateItem (moved line)",
                key,
                "SET #slot = :slot ADD #resends :resent",
                Map.of("#slot", SLOT, "#resends", RESENDS),
                Map.of(":slot", n(slot), ":resent", n(resent ? 1 : 0)));
    }

    @Override
    public void answer(String key, Completion answer) {
        AttributeValue text = CompressedText.of(answer.text());
        if (CompressedText.size(text) > MAX_ANSWER_BYTES) {
            error(
                    key,
                    new LineError(
                            FailureKind.BAD_RESPONSE,
                            false,
                            0,
                            "the batch's answer is too large to keep (" + CompressedText.size(text)
                                    + " bytes compressed)"));
            return;
        }
        Map<String, String> names = new HashMap<>();
        names.put("#answerText", ANSWER_TEXT);
        names.put("#input", INPUT);
        names.put("#output", OUTPUT);
        names.put("#cachedInput", CACHED_INPUT);
        names.put("#modelId", MODEL_ID);
        names.put("#finishReason", FINISH_REASON);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":answered", AttributeValue.fromS(State.ANSWERED.name()));
        values.put(":answerText", text);
        values.put(":input", n(answer.usage().input()));
        values.put(":output", n(answer.usage().output()));
        values.put(":cachedInput", n(answer.usage().cachedInput()));
        values.put(":modelId", AttributeValue.fromS(answer.modelId()));
        values.put(":finishReason", AttributeValue.fromS(answer.finishReason()));
        conditionally(
                "UpdateItem (answered line)",
                key,
                "SET #state = :answered, #answerText = :answerText, #input = :input, #output = :output,"
                        + " #cachedInput = :cachedInput, #modelId = :modelId, #finishReason = :finishReason",
                names,
                values);
    }

    @Override
    public boolean claim(String key) {
        try {
            call(
                    "UpdateItem (claimed line)",
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(lineKey(key))
                            .updateExpression("SET #claimed = :true")
                            .conditionExpression(EXISTS + " AND attribute_not_exists(#claimed)")
                            .expressionAttributeNames(Map.of("#pk", PK, "#claimed", CLAIMED))
                            .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void error(String key, LineError error) {
        conditionally(
                "UpdateItem (errored line)",
                key,
                "SET #state = :errored, #errorKind = :errorKind, #errorPermanent = :errorPermanent,"
                        + " #errorStatus = :errorStatus, #errorDetail = :errorDetail",
                Map.of(
                        "#errorKind", ERROR_KIND,
                        "#errorPermanent", ERROR_PERMANENT,
                        "#errorStatus", ERROR_STATUS,
                        "#errorDetail", ERROR_DETAIL),
                Map.of(
                        ":errored", AttributeValue.fromS(State.ERRORED.name()),
                        ":errorKind", AttributeValue.fromS(error.kind().name()),
                        ":errorPermanent", AttributeValue.fromBool(error.permanent()),
                        ":errorStatus", n(error.status()),
                        ":errorDetail", AttributeValue.fromS(error.detail())));
    }

    @Override
    public Optional<Submission> submission(String alias, long slot) {
        return read("GetItem (batch submission)", key(submissionKey(alias, slot)))
                .map(DynamoDbParkedCalls::submission);
    }

    @Override
    public void submitted(Submission submission) {
        String alias = submission.alias();
        long slot = submission.slot();
        if (submission.open()) {
            openSlots("ADD", alias, slot);
        }
        Map<String, AttributeValue> item = new HashMap<>(key(submissionKey(alias, slot)));
        item.put(ALIAS, AttributeValue.fromS(alias));
        item.put(SLOT, n(slot));
        item.put(BATCH_ID, AttributeValue.fromS(submission.batchId()));
        item.put(LINES, n(submission.lines()));
        item.put(SUBMITTED_AT, JobItems.instant(submission.submittedAt()));
        item.put(OPEN, AttributeValue.fromBool(submission.open()));
        item.put(TTL, n(epochSecondsAfter(submission.submittedAt(), SUBMISSION_TTL)));
        try {
            call(
                    "PutItem (batch submission)",
                    () -> client.putItem(b -> b.tableName(table)
                            .item(item)
                            .conditionExpression(NOT_EXISTS)
                            .expressionAttributeNames(Map.of("#pk", PK))));
        } catch (ConditionalCheckFailedException e) {
            // Recorded before: if that one is closed, the slot just listed as open must not stay listed.
            if (submission.open()
                    && submission(alias, slot).filter(Submission::open).isEmpty()) {
                openSlots("DELETE", alias, slot);
            }
        }
    }

    @Override
    public List<Submission> open(String alias) {
        Optional<Map<String, AttributeValue>> listing = read("GetItem (open batches)", key(openKey(alias)));
        AttributeValue slots = listing.map(item -> item.get(SLOTS)).orElse(null);
        if (slots == null || !slots.hasSs() || slots.ss().isEmpty()) {
            return List.of();
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String slot : slots.ss()) {
            keys.add(key(submissionKey(alias, Long.parseLong(slot))));
        }
        List<Submission> open = new ArrayList<>();
        for (Map<String, AttributeValue> item : readAll("BatchGetItem (open batches)", keys)) {
            Submission s = submission(item);
            if (s.open()) {
                open.add(s);
            }
        }
        open.sort(Comparator.comparingLong(Submission::slot));
        return open;
    }

    @Override
    public void closed(String alias, long slot) {
        try {
            call(
                    "UpdateItem (closed batch)",
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(key(submissionKey(alias, slot)))
                            .updateExpression("SET #open = :closed")
                            .conditionExpression(EXISTS)
                            .expressionAttributeNames(Map.of("#pk", PK, "#open", OPEN))
                            .expressionAttributeValues(Map.of(":closed", AttributeValue.fromBool(false)))));
        } catch (ConditionalCheckFailedException e) {
            // Never submitted: nothing to close, and the slot is not listed as open unless a submission is coming.
            return;
        }
        openSlots("DELETE", alias, slot);
    }

    @Override
    public Optional<Long> cursor(String alias) {
        return read("GetItem (batch cursor)", key(cursorKey(alias)))
                .map(item -> item.get(SLOT))
                .map(slot -> Long.parseLong(slot.n()));
    }

    @Override
    public void advance(String alias, long slot) {
        try {
            call(
                    "UpdateItem (batch cursor)",
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(key(cursorKey(alias)))
                            .updateExpression("SET #slot = :slot")
                            .conditionExpression("attribute_not_exists(#slot) OR #slot < :slot")
                            .expressionAttributeNames(Map.of("#slot", SLOT))
                            .expressionAttributeValues(Map.of(":slot", n(slot)))));
        } catch (ConditionalCheckFailedException e) {
            // At this window or past it already.
        }
    }

    /** Adds {@code key} to its shard of window {@code slot}, renewing the shard's expiry. */
    private void list(String key, String alias, long slot) {
        long expiresAt = epochSecondsAfter(clock.instant(), LINE_TTL);
        call(
                "UpdateItem (batch window)",
                () -> client.updateItem(b -> b.tableName(table)
                        .key(key(windowKey(alias, slot, shard(key))))
                        .updateExpression("ADD #keys :key SET #ttl = :ttl")
                        .expressionAttributeNames(Map.of("#keys", KEYS, "#ttl", TTL))
                        .expressionAttributeValues(
                                Map.of(":key", AttributeValue.fromSs(List.of(key)), ":ttl", n(expiresAt)))));
    }

    /** {@code ADD}s {@code slot} to, or {@code DELETE}s it from, the model's set of open slots. */
    private void openSlots(String action, String alias, long slot) {
        long expiresAt = epochSecondsAfter(clock.instant(), SUBMISSION_TTL);
        boolean adding = action.equals("ADD");
        try {
            call(
                    "UpdateItem (open batches)",
                    () -> client.updateItem(b -> {
                        b.tableName(table)
                                .key(key(openKey(alias)))
                                .expressionAttributeNames(
                                        adding
                                                ? Map.of("#slots", SLOTS, "#ttl", TTL)
                                                : Map.of("#slots", SLOTS, "#pk", PK));
                        if (adding) {
                            b.updateExpression("ADD #slots :slot SET #ttl = :ttl")
                                    .expressionAttributeValues(Map.of(
                                            ":slot", AttributeValue.fromSs(List.of(Long.toString(slot))),
                                            ":ttl", n(expiresAt)));
                        } else {
                            // A DELETE where there is no item would write one holding only its key.
                            b.updateExpression("DELETE #slots :slot")
                                    .conditionExpression(EXISTS)
                                    .expressionAttributeValues(
                                            Map.of(":slot", AttributeValue.fromSs(List.of(Long.toString(slot)))));
                        }
                    }));
        } catch (ConditionalCheckFailedException e) {
            // No open slots are listed for the model: nothing to remove.
        }
    }

    /** An update of a line that applies only while it waits; a line answered, errored or missing is left as it is. */
    private void conditionally(
            String what, String key, String update, Map<String, String> names, Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.put("#state", STATE);
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":waiting", AttributeValue.fromS(State.WAITING.name()));
        try {
            call(
                    what,
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(lineKey(key))
                            .updateExpression(update)
                            .conditionExpression(WAITING)
                            .expressionAttributeNames(allNames)
                            .expressionAttributeValues(allValues)));
        } catch (ConditionalCheckFailedException e) {
            // Not waiting (or never parked): the write is one already made, or one that must not be.
        }
    }

    private Map<String, AttributeValue> lineItem(Line line) {
        AttributeValue system = CompressedText.of(line.system());
        AttributeValue prompt = CompressedText.of(line.prompt());
        int callBytes = CompressedText.size(system) + CompressedText.size(prompt);
        if (callBytes > MAX_CALL_BYTES) {
            throw new PermanentException(
                    "the call is too large to park for a batch (" + callBytes + " bytes compressed, at most "
                            + MAX_CALL_BYTES + ")",
                    FailureKind.CONTEXT_TOO_LONG,
                    0,
                    null);
        }
        Map<String, AttributeValue> item = new HashMap<>(lineKey(line.key()));
        item.put(ALIAS, AttributeValue.fromS(line.alias()));
        item.put(SYSTEM, system);
        item.put(PROMPT, prompt);
        item.put(PARKED_AT, JobItems.instant(line.parkedAt()));
        item.put(SLOT, n(line.slot()));
        item.put(RESENDS, n(line.resends()));
        item.put(STATE, AttributeValue.fromS(line.state().name()));
        line.answer().ifPresent(a -> {
            item.put(ANSWER_TEXT, CompressedText.of(a.text()));
            item.put(INPUT, n(a.usage().input()));
            item.put(OUTPUT, n(a.usage().output()));
            item.put(CACHED_INPUT, n(a.usage().cachedInput()));
            item.put(MODEL_ID, AttributeValue.fromS(a.modelId()));
            item.put(FINISH_REASON, AttributeValue.fromS(a.finishReason()));
        });
        line.error().ifPresent(e -> {
            item.put(ERROR_KIND, AttributeValue.fromS(e.kind().name()));
            item.put(ERROR_PERMANENT, AttributeValue.fromBool(e.permanent()));
            item.put(ERROR_STATUS, n(e.status()));
            item.put(ERROR_DETAIL, AttributeValue.fromS(e.detail()));
        });
        item.put(TTL, n(epochSecondsAfter(line.parkedAt(), LINE_TTL)));
        return item;
    }

    private static Line line(String key, Map<String, AttributeValue> item) {
        Optional<Completion> answer = item.containsKey(ANSWER_TEXT)
                ? Optional.of(new Completion(
                        CompressedText.read(item.get(ANSWER_TEXT)),
                        new TokenUsage(number(item, INPUT), number(item, OUTPUT), number(item, CACHED_INPUT)),
                        item.get(MODEL_ID).s(),
                        item.get(FINISH_REASON).s(),
                        ""))
                : Optional.empty();
        Optional<LineError> error = item.containsKey(ERROR_KIND)
                ? Optional.of(new LineError(
                        FailureKind.valueOf(item.get(ERROR_KIND).s()),
                        item.get(ERROR_PERMANENT).bool(),
                        (int) number(item, ERROR_STATUS),
                        item.get(ERROR_DETAIL).s()))
                : Optional.empty();
        return new Line(
                key,
                item.get(ALIAS).s(),
                CompressedText.read(item.get(SYSTEM)),
                CompressedText.read(item.get(PROMPT)),
                JobItems.toInstant(item.get(PARKED_AT)),
                number(item, SLOT),
                (int) number(item, RESENDS),
                State.valueOf(item.get(STATE).s()),
                answer,
                error);
    }

    private static Submission submission(Map<String, AttributeValue> item) {
        return new Submission(
                item.get(ALIAS).s(),
                number(item, SLOT),
                item.get(BATCH_ID).s(),
                (int) number(item, LINES),
                JobItems.toInstant(item.get(SUBMITTED_AT)),
                item.get(OPEN).bool());
    }

    private Optional<Map<String, AttributeValue>> read(String what, Map<String, AttributeValue> key) {
        GetItemResponse response =
                call(what, () -> client.getItem(b -> b.tableName(table).key(key).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    /** The items of {@code keys} that exist, strongly consistent, asking again for any DynamoDB left unprocessed. */
    private List<Map<String, AttributeValue>> readAll(String what, List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int start = 0; start < keys.size(); start += 100) {
            Map<String, KeysAndAttributes> pending = Map.of(
                    table,
                    KeysAndAttributes.builder()
                            .keys(keys.subList(start, Math.min(keys.size(), start + 100)))
                            .consistentRead(true)
                            .build());
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round > 20) {
                    throw new TransientException("DynamoDB " + what + " kept leaving keys unprocessed", null);
                }
                Map<String, KeysAndAttributes> ask = pending;
                BatchGetItemResponse response = call(what, () -> client.batchGetItem(b -> b.requestItems(ask)));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return items;
    }

    /** The shard of a window {@code key} is listed in: the same for a key in every process and every release. */
    static int shard(String key) {
        return Math.floorMod(key.hashCode(), SHARDS);
    }

    static String lineItemKey(String key) {
        return "BATCHLINE#" + key;
    }

    static String windowKey(String alias, long slot, int shard) {
        return "BATCHWINDOW#" + alias + "#" + slot + "#" + shard;
    }

    static String submissionKey(String alias, long slot) {
        return "BATCHSUB#" + alias + "#" + slot;
    }

    static String openKey(String alias) {
        return "BATCHOPEN#" + alias;
    }

    static String cursorKey(String alias) {
        return "BATCHCURSOR#" + alias;
    }

    private static Map<String, AttributeValue> lineKey(String key) {
        return key(lineItemKey(key));
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(PK, AttributeValue.fromS(pk));
    }

    /** AWS's TTL wants whole epoch seconds; rounding up never lets AWS delete an item early. */
    private static long epochSecondsAfter(Instant from, Duration ttl) {
        Instant at = from.plus(ttl);
        return at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoDbErrors.classify(what, e);
        }
    }
}
