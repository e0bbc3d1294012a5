package dev.sluice.adapter.aws.dynamodb;

import static dev.sluice.adapter.aws.dynamodb.JobItems.ATTEMPTS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.FAILED_JOBS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.FAILURE;
import static dev.sluice.adapter.aws.dynamodb.JobItems.HOP;
import static dev.sluice.adapter.aws.dynamodb.JobItems.HOPS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.HOP_COUNT;
import static dev.sluice.adapter.aws.dynamodb.JobItems.JOBS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.LEASE_HOP;
import static dev.sluice.adapter.aws.dynamodb.JobItems.LEASE_UNTIL;
import static dev.sluice.adapter.aws.dynamodb.JobItems.PK;
import static dev.sluice.adapter.aws.dynamodb.JobItems.RESULT;
import static dev.sluice.adapter.aws.dynamodb.JobItems.RESULT_FROM;
import static dev.sluice.adapter.aws.dynamodb.JobItems.STATUS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.SUCCEEDED_JOBS;
import static dev.sluice.adapter.aws.dynamodb.JobItems.UPDATED;
import static dev.sluice.adapter.aws.dynamodb.JobItems.instant;
import static dev.sluice.adapter.aws.dynamodb.JobItems.n;
import static dev.sluice.adapter.aws.dynamodb.JobItems.s;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.TransientException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link JobStore} on one DynamoDB table: one item per job and per batch, every change a single-item conditional
 * write (no transactions). Values over the inline limit (inputs, step outputs, results) live in the
 * {@link BlobStore} and the item points at them.
 */
public final class DynamoDbJobStore implements JobStore {
    private static final String NOT_TERMINAL = "#status IN (:queued, :running)";
    private static final int LEASE_ATTEMPTS = 3;

    private final DynamoDbClient client;
    private final LargeValues large;
    private final String table;

    /**
     * @param table the jobs table ({@code SluiceTables.jobs()})
     * @param inlineLimitBytes values larger than this as stored (UTF-8, or gzip when smaller) go to the blob store:
     *     every write of the item pays again for each kilobyte a value kept inline adds, one put aside costs an S3 PUT
     *     once and a GET on a read
     */
    public record Settings(String table, int inlineLimitBytes) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
            if (inlineLimitBytes < 1 || inlineLimitBytes > 64 * 1024) {
                throw new IllegalArgumentException("'inlineLimitBytes' must be between 1 and 65536");
            }
        }

        /**
         * Values over 2 KB as stored move to the blob store: at four writes of an item in a job's life, 2 KB inline
         * cost about what an S3 PUT and its reads do.
         */
        public static Settings of(String table) {
            return new Settings(table, 2 * 1024);
        }
    }

    public DynamoDbJobStore(DynamoDbClient client, BlobStore blobs, Settings settings) {
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.large = new LargeValues(blobs, settings.inlineLimitBytes());
        this.table = settings.table();
    }

    @Override
    public CreateResult create(Job job) {
        Map<String, AttributeValue> item = JobItems.toItem(job, large);
        try {
            call(
                    "PutItem (create job)",
                    () -> client.putItem(b -> b.tableName(table)
                            .item(item)
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", PK))));
            return new CreateResult.Created(job);
        } catch (ConditionalCheckFailedException exists) {
            return new CreateResult.Existing(find(job.id())
                    .orElseThrow(
                            () -> new TransientException("job " + job.id() + " exists but cannot be read", exists)));
        }
    }

    /** The jobs' large inputs in one blob under their batch, {@code jobs/{batchId}/inputs/<hash>}: one PUT. */
    @Override
    public void prepareInputs(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        String owner = jobs.getFirst()
                .batchId()
                .map(BatchId::value)
                .orElse(jobs.getFirst().id().value());
        large.pack(
                "jobs/" + owner + "/inputs",
                jobs.stream().flatMap(job -> job.input().values().stream()).toList());
    }

    @Override
    public Optional<Job> find(JobId id) {
        return get(JobItems.jobKey(id)).map(item -> JobItems.toJob(item, large));
    }

    /** What a list of jobs shows of one: read from the item alone, no stored-aside value loaded. */
    public record JobSummary(
            JobId id,
            TenantId tenant,
            String pipeline,
            JobStatus status,
            int hopsDone,
            int hopCount,
            CorrelationId correlationId,
            Cost cost,
            Instant createdAt,
            Instant updatedAt) {
        /** The summary of a job read whole. */
        public static JobSummary of(Job job) {
            return new JobSummary(
                    job.id(),
                    job.tenant(),
                    job.pipeline(),
                    job.status(),
                    job.hops().size(),
                    job.hopCount(),
                    job.correlationId(),
                    job.totalCost(),
                    job.createdAt(),
                    job.updatedAt());
        }
    }

    /** How many months back {@link #recentJobs} looks for jobs. */
    static final int MONTHS_LISTED = 3;

    /**
     * The newest jobs (at most {@code limit}, created in this month or the {@value #MONTHS_LISTED} before it), newest
     * first: for an operator's list of jobs. It queries the jobs' {@code recent} index, a few small Query requests per
     * month (one per shard), then reads the summaries' attributes of those jobs by key (BatchGetItem), so it reads what
     * it shows, never the table. Inputs, outputs and results are not read, so a value stored aside costs nothing here.
     * Jobs written before the index existed carry no {@code listedIn} and are found by id only.
     */
    public List<JobSummary> recentJobs(int limit, Instant now) {
        if (limit < 1) {
            throw new IllegalArgumentException("'limit' must be at least 1 (got " + limit + ")");
        }
        List<Map<String, AttributeValue>> newest = new ArrayList<>();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        for (int back = 0; back <= MONTHS_LISTED && newest.size() < limit; back++) {
            List<Map<String, AttributeValue>> ofMonth = new ArrayList<>();
            for (int shard = 0; shard < JobItems.LIST_SHARDS; shard++) {
                String partition = JobItems.listedIn(month.minusMonths(back), shard);
                try {
                    ofMonth.addAll(client.query(b -> b.tableName(table)
                                    .indexName(SluiceTables.RECENT_INDEX)
                                    .keyConditionExpression("#listed = :listed")
                                    .expressionAttributeNames(Map.of("#listed", JobItems.LISTED_IN))
                                    .expressionAttributeValues(Map.of(":listed", s(partition)))
                                    .scanIndexForward(false)
                                    .limit(limit))
                            .items());
                } catch (DynamoDbException e) {
                    if (noSuchIndex(e)) {
                        return scanned(limit);
                    }
                    throw DynamoDbErrors.classify("Query (recent jobs)", e);
                } catch (SdkException e) {
                    throw DynamoDbErrors.classify("Query (recent jobs)", e);
                }
            }
            ofMonth.sort(Comparator.comparing((Map<String, AttributeValue> k) ->
                            new BigDecimal(k.get(JobItems.CREATED).n()))
                    .reversed());
            newest.addAll(ofMonth.subList(0, Math.min(ofMonth.size(), limit - newest.size())));
        }
        List<JobSummary> out = new ArrayList<>();
        for (int from = 0; from < newest.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = newest.subList(from, Math.min(newest.size(), from + 100)).stream()
                    .map(k -> Map.of(PK, k.get(PK)))
                    .toList();
            summaries(keys).forEach(item -> out.add(JobItems.toSummary(item)));
        }
        out.sort(Comparator.comparing(JobSummary::createdAt).reversed());
        return out;
    }

    /**
     * A table made before the index existed (a local runtime's kept state: dynalite cannot add an index to a table)
     * is listed by a Scan of the summaries' attributes instead, newest first; such a table is small.
     */
    private static boolean noSuchIndex(DynamoDbException e) {
        String message = Optional.ofNullable(e.awsErrorDetails())
                .map(d -> d.errorCode() + " " + d.errorMessage())
                .orElse(String.valueOf(e.getMessage()));
        return message.startsWith("ValidationException") && message.contains("index");
    }

    private List<JobSummary> scanned(int limit) {
        List<JobSummary> all = call(
                "Scan (jobs, no recent index)",
                () -> client
                        .scanPaginator(b -> b.tableName(table)
                                .filterExpression("begins_with(#pk, :job)")
                                .projectionExpression(SUMMARY)
                                .expressionAttributeNames(SUMMARY_NAMES)
                                .expressionAttributeValues(Map.of(":job", s("JOB#"))))
                        .items()
                        .stream()
                        .map(JobItems::toSummary)
                        .sorted(Comparator.comparing(JobSummary::createdAt).reversed())
                        .toList());
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** The attributes a job's summary reads. */
    private static final String SUMMARY =
            "#pk, #tenant, #pipeline, #status, #hops, #hopCount, #correlation, #created, #updated";

    private static final Map<String, String> SUMMARY_NAMES = Map.of(
            "#pk", PK,
            "#tenant", JobItems.TENANT,
            "#pipeline", JobItems.PIPELINE,
            "#status", STATUS,
            "#hops", HOPS,
            "#hopCount", HOP_COUNT,
            "#correlation", JobItems.CORRELATION,
            "#created", JobItems.CREATED,
            "#updated", UPDATED);

    /** The summary attributes of up to 100 jobs, by key; what DynamoDB leaves unprocessed is asked for again. */
    private List<Map<String, AttributeValue>> summaries(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> pending = Map.of(
                table,
                KeysAndAttributes.builder()
                        .keys(keys)
                        .projectionExpression(SUMMARY)
                        .expressionAttributeNames(SUMMARY_NAMES)
                        .build());
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                pause(Math.min(1_000, 50L << Math.min(attempt, 5)));
            }
            if (attempt == 8) {
                throw new TransientException("BatchGetItem (recent jobs) left keys unprocessed after 8 attempts", null);
            }
            Map<String, KeysAndAttributes> ask = pending;
            BatchGetItemResponse response =
                    call("BatchGetItem (recent jobs)", () -> client.batchGetItem(b -> b.requestItems(ask)));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return items;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while listing recent jobs", e);
        }
    }

    /** Large input values the item pointed at stay in the blob store; their keys are content hashes, reused by a retry. */
    @Override
    public boolean withdraw(JobId id) {
        try {
            call(
                    "DeleteItem (withdraw job)",
                    () -> client.deleteItem(b -> b.tableName(table)
                            .key(JobItems.jobKey(id))
                            .conditionExpression("attribute_exists(#pk) AND #status = :queued AND #hop = :zero"
                                    + " AND attribute_not_exists(#leaseUntil)")
                            .expressionAttributeNames(
                                    Map.of("#pk", PK, "#status", STATUS, "#hop", HOP, "#leaseUntil", LEASE_UNTIL))
                            .expressionAttributeValues(Map.of(":queued", s(JobStatus.QUEUED.name()), ":zero", n(0)))));
            return true;
        } catch (ConditionalCheckFailedException started) {
            return false;
        }
    }

    @Override
    public LeaseResult tryLease(JobId id, int hop, Instant now, Instant until) {
        for (int attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
            Updated update = update(
                    "UpdateItem (lease)",
                    JobItems.jobKey(id),
                    "SET #status = :running, #updatedAt = :now, #leaseHop = :hop, #leaseUntil = :until,"
                            + " #attempts = if_not_exists(#attempts, :zero) + :one",
                    "attribute_exists(#pk) AND #hop = :hop AND " + NOT_TERMINAL
                            + " AND (attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now OR #leaseHop <> :hop)",
                    Map.of(
                            ":hop",
                            n(hop),
                            ":now",
                            instant(now),
                            ":until",
                            instant(until),
                            ":zero",
                            n(0),
                            ":one",
                            n(1)));
            if (update.item().isPresent()) {
                Map<String, AttributeValue> item = update.item().get();
                return new LeaseResult.Acquired(
                        JobItems.toJob(item, large),
                        Integer.parseInt(item.get(ATTEMPTS).n()));
            }
            // The condition failed: read why. A lease released between the write and this read is tried again.
            Optional<Map<String, AttributeValue>> item = get(JobItems.jobKey(id));
            if (item.isEmpty()) {
                return new LeaseResult.Missing();
            }
            Job job = JobItems.toJob(item.get(), large);
            if (job.status().isTerminal() || job.hop() != hop) {
                return new LeaseResult.Moved(job);
            }
            AttributeValue leaseHop = item.get().get(LEASE_HOP);
            AttributeValue leaseUntil = item.get().get(LEASE_UNTIL);
            if (leaseHop != null && leaseUntil != null && Integer.parseInt(leaseHop.n()) == hop) {
                Instant heldUntil = JobItems.toInstant(leaseUntil);
                if (heldUntil.isAfter(now)) {
                    return new LeaseResult.Held(heldUntil);
                }
            }
        }
        throw new TransientException("lease on " + id + " hop " + hop + " kept changing under contention", null);
    }

    @Override
    public void releaseLease(JobId id, int hop, Release how) {
        // A failed condition means there is nothing of ours to release: the hop moved on or another lease replaced it.
        update(
                "UpdateItem (release lease)",
                JobItems.jobKey(id),
                how == Release.REFUNDED
                        ? "SET #attempts = #attempts - :one REMOVE #leaseHop, #leaseUntil"
                        : "REMOVE #leaseHop, #leaseUntil",
                how == Release.REFUNDED ? "#leaseHop = :hop AND #attempts > :zero" : "#leaseHop = :hop",
                Map.of(":hop", n(hop), ":zero", n(0), ":one", n(1)));
    }

    @Override
    public Optional<Job> reopen(JobId id, Instant now) {
        return update(
                        "UpdateItem (reopen)",
                        JobItems.jobKey(id),
                        "SET #status = :running, #updatedAt = :now REMOVE #failure, #attempts, #leaseHop, #leaseUntil",
                        "attribute_exists(#pk) AND #status = :failed",
                        Map.of(":now", instant(now)))
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    @Override
    public Optional<Job> advance(JobId id, HopRecord record, Instant now) {
        AttributeValue memo = JobItems.hopRecord(id, record, large);
        return update(
                        "UpdateItem (advance)",
                        JobItems.jobKey(id),
                        "SET #hops = list_append(#hops, :memo), #hop = :next, #status = :running, #updatedAt = :now"
                                + " REMOVE #leaseHop, #leaseUntil, #attempts",
                        "attribute_exists(#pk) AND #hop = :hop AND #hop < #hopCount AND " + NOT_TERMINAL,
                        Map.of(
                                ":memo", AttributeValue.fromL(java.util.List.of(memo)),
                                ":hop", n(record.hop()),
                                ":next", n(record.hop() + 1L),
                                ":now", instant(now)))
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    @Override
    public Optional<Job> complete(JobId id, String result, Instant now) {
        return update(
                        "UpdateItem (complete)",
                        JobItems.jobKey(id),
                        "SET #status = :succeeded, #result = :value, #updatedAt = :now"
                                + " REMOVE #failure, #resultFrom, #leaseHop, #leaseUntil",
                        "attribute_exists(#pk) AND " + NOT_TERMINAL,
                        Map.of(":value", JobItems.result(id, result, large), ":now", instant(now)))
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    /**
     * The memo appended and the job SUCCEEDED in one conditional write: the one a job's last hop makes when its
     * answer passes the guardrails, so the job's item is not written again to end it. A result that is one of this
     * hop's outputs unchanged is a reference to it.
     */
    @Override
    public Optional<Job> advanceAndComplete(JobId id, HopRecord record, String result, Instant now) {
        AttributeValue memo = JobItems.hopRecord(id, record, large);
        // The memo list holds one record per hop, so this record's index is its hop.
        Optional<AttributeValue> ref = JobItems.sameAs(record.hop(), record, result);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":memo", AttributeValue.fromL(List.of(memo)),
                ":hop", n(record.hop()),
                ":next", n(record.hop() + 1L),
                ":now", instant(now)));
        String setResult;
        if (ref.isPresent()) {
            values.put(":ref", ref.get());
            setResult = "#resultFrom = :ref";
        } else {
            values.put(":value", JobItems.result(id, result, large));
            setResult = "#result = :value";
        }
        return update(
                        "UpdateItem (advance and complete)",
                        JobItems.jobKey(id),
                        "SET #hops = list_append(#hops, :memo), #hop = :next, #status = :succeeded, " + setResult
                                + ", #updatedAt = :now REMOVE #failure, #leaseHop, #leaseUntil, #attempts",
                        "attribute_exists(#pk) AND #hop = :hop AND #hopCount = :next AND " + NOT_TERMINAL,
                        values)
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    /** A result that is one of the job's memoised outputs unchanged is written as a reference to that output. */
    @Override
    public Optional<Job> complete(Job job, String result, Instant now) {
        Optional<AttributeValue> ref = JobItems.sameAs(job, result);
        if (ref.isEmpty()) {
            return complete(job.id(), result, now);
        }
        int hop = Integer.parseInt(ref.get().m().get("hop").n());
        return update(
                        "UpdateItem (complete)",
                        JobItems.jobKey(job.id()),
                        "SET #status = :succeeded, #resultFrom = :ref, #updatedAt = :now"
                                + " REMOVE #failure, #result, #leaseHop, #leaseUntil",
                        // The memo is only ever appended to, so the output named is the one compared.
                        "attribute_exists(#pk) AND " + NOT_TERMINAL + " AND size(#hops) > :hop",
                        Map.of(":ref", ref.get(), ":hop", n(hop), ":now", instant(now)))
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    @Override
    public Optional<Job> fail(JobId id, String reason, Instant now) {
        return update(
                        "UpdateItem (fail)",
                        JobItems.jobKey(id),
                        "SET #status = :failed, #failure = :value, #updatedAt = :now"
                                + " REMOVE #result, #resultFrom, #leaseHop, #leaseUntil",
                        "attribute_exists(#pk) AND " + NOT_TERMINAL,
                        Map.of(":value", JobItems.failure(id, reason, large), ":now", instant(now)))
                .item()
                .map(item -> JobItems.toJob(item, large));
    }

    @Override
    public boolean createBatch(Batch batch) {
        try {
            call(
                    "PutItem (create batch)",
                    () -> client.putItem(b -> b.tableName(table)
                            .item(JobItems.toItem(batch))
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", PK))));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public Optional<Batch> findBatch(BatchId id) {
        return get(JobItems.batchKey(id)).map(item -> JobItems.toBatch(item, ended(id)));
    }

    private Map<String, AttributeValue> ended(BatchId id) {
        return get(JobItems.endedKey(id)).orElse(Map.of());
    }

    /**
     * Adds the job's position in the batch to the set of its outcome on the batch's counting item: adding to a set is
     * idempotent, and the condition keeps a job from being counted under both outcomes.
     */
    @Override
    public Batch countBatchItem(BatchId id, JobId job, JobStatus outcome) {
        if (!outcome.isTerminal()) {
            throw new IllegalArgumentException("only an ended job is counted, got " + outcome);
        }
        Map<String, AttributeValue> batch =
                get(JobItems.batchKey(id)).orElseThrow(() -> new IllegalArgumentException("no batch " + id));
        AttributeValue position = position(id, batch, job);
        if (countedOnTheBatchItem(batch, job)) {
            return JobItems.toBatch(batch, ended(id));
        }
        String set = outcome == JobStatus.SUCCEEDED ? SUCCEEDED_JOBS : FAILED_JOBS;
        Optional<Map<String, AttributeValue>> counted = update(
                        "UpdateItem (count batch item)",
                        JobItems.endedKey(id),
                        "ADD #" + set + " :positions",
                        "NOT contains(#succeededJobs, :position) AND NOT contains(#failedJobs, :position)",
                        Map.of(":position", position, ":positions", AttributeValue.fromNs(List.of(position.n()))))
                .item();
        return JobItems.toBatch(batch, counted.orElseGet(() -> ended(id)));
    }

    @Override
    public void uncountBatchItem(BatchId id, JobId job) {
        Optional<Map<String, AttributeValue>> batch = get(JobItems.batchKey(id));
        if (batch.isEmpty()) {
            return;
        }
        AttributeValue position = position(id, batch.get(), job);
        update(
                "UpdateItem (uncount batch item)",
                JobItems.endedKey(id),
                "DELETE #succeededJobs :positions, #failedJobs :positions",
                "attribute_exists(#pk)",
                Map.of(":positions", AttributeValue.fromNs(List.of(position.n()))));
        if (countedOnTheBatchItem(batch.get(), job)) {
            AttributeValue jobSet = AttributeValue.fromSs(List.of(job.value()));
            update(
                    "UpdateItem (uncount batch item)",
                    JobItems.batchKey(id),
                    "DELETE #succeededJobs :jobSet, #failedJobs :jobSet",
                    "attribute_exists(#pk)",
                    Map.of(":jobSet", jobSet));
        }
    }

    /** The job's position in the batch's list of jobs, as a number attribute. */
    private static AttributeValue position(BatchId id, Map<String, AttributeValue> batch, JobId job) {
        List<AttributeValue> jobs = batch.get(JOBS).l();
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).s().equals(job.value())) {
                return n(i);
            }
        }
        throw new IllegalArgumentException("job " + job + " is not part of batch " + id);
    }

    /** Whether the job was counted on the batch's own item, as batches were counted before their counting item. */
    private static boolean countedOnTheBatchItem(Map<String, AttributeValue> batch, JobId job) {
        return List.of(SUCCEEDED_JOBS, FAILED_JOBS).stream()
                .map(batch::get)
                .anyMatch(set -> set != null && set.ss().contains(job.value()));
    }

    private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
        var response = call(
                "GetItem", () -> client.getItem(b -> b.tableName(table).key(key).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    /** The item after the update, or empty when the condition did not hold (nothing was written). */
    private record Updated(Optional<Map<String, AttributeValue>> item) {}

    private Updated update(
            String what,
            Map<String, AttributeValue> key,
            String updateExpression,
            String condition,
            Map<String, AttributeValue> values) {
        String expressions = updateExpression + " " + condition;
        // DynamoDB rejects names and values an expression does not use, so pass exactly the ones it mentions.
        Map<String, String> names = new HashMap<>();
        Matcher name = NAME_TOKEN.matcher(expressions);
        while (name.find()) {
            names.put(name.group(), name.group().equals("#pk") ? PK : NAMES.get(name.group()));
        }
        Map<String, AttributeValue> allValues = new HashMap<>();
        Matcher value = VALUE_TOKEN.matcher(expressions);
        while (value.find()) {
            AttributeValue v = values.getOrDefault(value.group(), STATUS_VALUES.get(value.group()));
            allValues.put(value.group(), Objects.requireNonNull(v, value.group()));
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(key)
                .updateExpression(updateExpression)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(allValues)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            return new Updated(
                    Optional.of(call(what, () -> client.updateItem(request)).attributes()));
        } catch (ConditionalCheckFailedException e) {
            return new Updated(Optional.empty());
        }
    }

    private static final Pattern NAME_TOKEN = Pattern.compile("#\\w+");
    private static final Pattern VALUE_TOKEN = Pattern.compile(":\\w+");

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("#status", STATUS),
            Map.entry("#hopCount", HOP_COUNT),
            Map.entry("#hops", HOPS),
            Map.entry("#hop", HOP),
            Map.entry("#updatedAt", UPDATED),
            Map.entry("#leaseHop", LEASE_HOP),
            Map.entry("#leaseUntil", LEASE_UNTIL),
            Map.entry("#attempts", ATTEMPTS),
            Map.entry("#result", RESULT),
            Map.entry("#resultFrom", RESULT_FROM),
            Map.entry("#failure", FAILURE),
            Map.entry("#jobs", JOBS),
            Map.entry("#succeededJobs", SUCCEEDED_JOBS),
            Map.entry("#failedJobs", FAILED_JOBS));

    private static final Map<String, AttributeValue> STATUS_VALUES = Map.of(
            ":queued", s(JobStatus.QUEUED.name()),
            ":running", s(JobStatus.RUNNING.name()),
            ":succeeded", s(JobStatus.SUCCEEDED.name()),
            ":failed", s(JobStatus.FAILED.name()));

    /** Runs one DynamoDB call; condition failures pass through to the caller, other failures are classified. */
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
