package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.SemanticHit;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The item layout of jobs and batches in the jobs table, and its conversion to and from the domain records. */
final class JobItems {
    static final String PK = dev.sluice.adapter.aws.resources.SluiceTables.PARTITION_KEY;
    static final String TENANT = "tenant";
    static final String PIPELINE = "pipeline";
    static final String STATUS = "status";
    static final String HOP = "hop";
    static final String HOP_COUNT = "hopCount";
    static final String INPUT = "input";
    static final String FINGERPRINT = "inputFingerprint";
    static final String HOPS = "hops";
    static final String CORRELATION = "correlationId";
    static final String IDEMPOTENCY_KEY = "idempotencyKey";
    static final String BATCH = "batchId";
    /** {@code interactive} or {@code batch}; items written before priorities existed have none: interactive. */
    static final String PRIORITY = "priority";

    static final String MODE = "mode";
    static final String DEADLINE = "deadline";

    static final String RESULT = "result";
    /**
     * Where the result is when it is one of the memoised outputs unchanged: {@code {hop, step}}, in place of a
     * second copy of the answer that every later write of the item would pay for again.
     */
    static final String RESULT_FROM = "resultFrom";

    static final String FAILURE = "failureReason";
    static final String CREATED = SluiceTables.CREATED_AT;
    static final String LISTED_IN = SluiceTables.LISTED_IN;
    /** The recent index's partitions per month: each takes a share of job creations (a hot key throttles writes). */
    static final int LIST_SHARDS = 8;

    static final String UPDATED = "updatedAt";
    static final String LEASE_HOP = "leaseHop";
    static final String LEASE_UNTIL = "leaseUntil";
    /** Leases taken on the current hop: the job's own count of attempts, which no redelivery can reset. */
    static final String ATTEMPTS = "hopAttempts";

    static final String JOBS = "jobs";
    static final String SUCCEEDED_JOBS = "succeededJobs";
    static final String FAILED_JOBS = "failedJobs";
    static final String ITEMS_FINGERPRINT = "itemsFingerprint";

    private JobItems() {}

    static Map<String, AttributeValue> jobKey(JobId id) {
        return Map.of(PK, AttributeValue.fromS("JOB#" + id.value()));
    }

    static Map<String, AttributeValue> batchKey(BatchId id) {
        return Map.of(PK, AttributeValue.fromS("BATCH#" + id.value()));
    }

    /**
     * The item that counts a batch's ended jobs: two number sets of their positions in the batch's job list. Kept
     * apart from the batch's item, whose list of ids every count would otherwise rewrite, and small: a count costs
     * one write unit up to a few hundred jobs, where a set of ids on the batch's item cost more with every job.
     */
    static Map<String, AttributeValue> endedKey(BatchId id) {
        return Map.of(PK, AttributeValue.fromS("BATCH#" + id.value() + "#ENDED"));
    }

    static Map<String, AttributeValue> toItem(Job job, LargeValues large) {
        Map<String, AttributeValue> item = new HashMap<>(jobKey(job.id()));
        item.put(TENANT, s(job.tenant().value()));
        item.put(PIPELINE, s(job.pipeline()));
        item.put(STATUS, s(job.status().name()));
        item.put(HOP, n(job.hop()));
        item.put(HOP_COUNT, n(job.hopCount()));
        Map<String, AttributeValue> input = new HashMap<>();
        job.input()
                .forEach((name, value) -> input.put(
                        name, large.store(blobPrefix(job.id(), "input/" + LargeValues.segment(name)), value)));
        item.put(INPUT, AttributeValue.fromM(input));
        item.put(FINGERPRINT, s(job.inputFingerprint()));
        item.put(
                HOPS,
                AttributeValue.fromL(job.hops().stream()
                        .map(h -> hopRecord(job.id(), h, large))
                        .toList()));
        item.put(CORRELATION, s(job.correlationId().value()));
        job.idempotencyKey().ifPresent(k -> item.put(IDEMPOTENCY_KEY, s(k)));
        job.batchId().ifPresent(b -> item.put(BATCH, s(b.value())));
        item.put(PRIORITY, s(job.priority().wireName()));
        if (job.mode() == Mode.BATCH) {
            // Only a batch-mode job says so: a live one's item is what it was before batch routes existed.
            item.put(MODE, s(job.mode().wireName()));
        }
        job.deadline().ifPresent(d -> item.put(DEADLINE, instant(d)));
        job.result().ifPresent(r -> item.put(RESULT, result(job.id(), r, large)));
        job.failureReason().ifPresent(r -> item.put(FAILURE, failure(job.id(), r, large)));
        item.put(CREATED, instant(job.createdAt()));
        item.put(UPDATED, instant(job.updatedAt()));
        item.put(LISTED_IN, s(listedIn(YearMonth.from(job.createdAt().atZone(ZoneOffset.UTC)), shard(job.id()))));
        return item;
    }

    /** The recent index's partition a job is listed in: its month of creation and a shard of its id. */
    static String listedIn(YearMonth month, int shard) {
        return "JOBS#" + month + "#" + shard;
    }

    static int shard(JobId id) {
        return Math.floorMod(id.value().hashCode(), LIST_SHARDS);
    }

    static Job toJob(Map<String, AttributeValue> item, LargeValues large) {
        List<HopRecord> hops =
                item.get(HOPS).l().stream().map(h -> toHopRecord(h.m(), large)).toList();
        Map<String, String> input = new HashMap<>();
        item.get(INPUT).m().forEach((name, value) -> input.put(name, large.load(value)));
        return new Job(
                new JobId(item.get(PK).s().substring("JOB#".length())),
                new TenantId(item.get(TENANT).s()),
                item.get(PIPELINE).s(),
                JobStatus.valueOf(item.get(STATUS).s()),
                Integer.parseInt(item.get(HOP).n()),
                Integer.parseInt(item.get(HOP_COUNT).n()),
                input,
                item.get(FINGERPRINT).s(),
                hops,
                new CorrelationId(item.get(CORRELATION).s()),
                Optional.ofNullable(item.get(IDEMPOTENCY_KEY)).map(AttributeValue::s),
                Optional.ofNullable(item.get(BATCH)).map(v -> new BatchId(v.s())),
                Optional.ofNullable(item.get(PRIORITY))
                        .flatMap(v -> Priority.ofWireName(v.s()))
                        .orElse(Priority.INTERACTIVE),
                Optional.ofNullable(item.get(RESULT)).map(large::load).or(() -> resultFrom(item, hops)),
                Optional.ofNullable(item.get(FAILURE)).map(large::load),
                toInstant(item.get(CREATED)),
                toInstant(item.get(UPDATED)),
                Optional.ofNullable(item.get(MODE))
                        .flatMap(v -> Mode.ofWireName(v.s()))
                        .orElse(Mode.LIVE),
                Optional.ofNullable(item.get(DEADLINE)).map(JobItems::toInstant));
    }

    static DynamoDbJobStore.JobSummary toSummary(Map<String, AttributeValue> item) {
        List<AttributeValue> hops = item.get(HOPS).l();
        Cost cost = hops.stream()
                .map(h -> new Cost(new BigDecimal(h.m().get("cost").s())))
                .reduce(Cost.ZERO, Cost::plus);
        return new DynamoDbJobStore.JobSummary(
                new JobId(item.get(PK).s().substring("JOB#".length())),
                new TenantId(item.get(TENANT).s()),
                item.get(PIPELINE).s(),
                JobStatus.valueOf(item.get(STATUS).s()),
                hops.size(),
                Integer.parseInt(item.get(HOP_COUNT).n()),
                new CorrelationId(item.get(CORRELATION).s()),
                cost,
                toInstant(item.get(CREATED)),
                toInstant(item.get(UPDATED)));
    }

    static AttributeValue hopRecord(JobId job, HopRecord record, LargeValues large) {
        Map<String, AttributeValue> outputs = new HashMap<>();
        record.outputs()
                .forEach((step, text) -> outputs.put(
                        step,
                        large.store(blobPrefix(job, "hops/" + record.hop() + "/" + LargeValues.segment(step)), text)));
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("hop", n(record.hop()));
        m.put("outputs", AttributeValue.fromM(outputs));
        m.put("model", s(record.model()));
        m.put("modelId", s(record.modelId()));
        m.put(
                "fallbacks",
                AttributeValue.fromL(
                        record.fallbacks().stream().map(JobItems::s).toList()));
        m.put("cacheHit", AttributeValue.fromBool(record.cacheHit()));
        m.put("usage", usage(record.usage()));
        m.put("cost", s(record.cost().usd().toPlainString()));
        m.put("startedAt", instant(record.startedAt()));
        m.put("duration", s(record.duration().toString()));
        record.traceAt().ifPresent(at -> m.put("traceAt", s(at)));
        record.semantic()
                .ifPresent(hit -> m.put(
                        "semantic",
                        AttributeValue.fromM(Map.of(
                                "similarity",
                                AttributeValue.fromN(
                                        BigDecimal.valueOf(hit.similarity()).toPlainString()),
                                "fromJob",
                                s(hit.fromJob().value())))));
        if (record.batched()) {
            // Only when true: a live hop's attribute map is what it was before batch routes existed.
            m.put("batched", AttributeValue.fromBool(true));
        }
        return AttributeValue.fromM(m);
    }

    private static HopRecord toHopRecord(Map<String, AttributeValue> m, LargeValues large) {
        Map<String, String> outputs = new LinkedHashMap<>();
        m.get("outputs").m().forEach((step, value) -> outputs.put(step, large.load(value)));
        return new HopRecord(
                Integer.parseInt(m.get("hop").n()),
                outputs,
                m.get("model").s(),
                m.get("modelId").s(),
                m.get("fallbacks").l().stream().map(AttributeValue::s).toList(),
                m.get("cacheHit").bool(),
                toUsage(m.get("usage")),
                new Cost(new BigDecimal(m.get("cost").s())),
                toInstant(m.get("startedAt")),
                Duration.parse(m.get("duration").s()),
                Optional.ofNullable(m.get("traceAt")).map(AttributeValue::s),
                Optional.ofNullable(m.get("semantic"))
                        .map(v -> new SemanticHit(
                                Double.parseDouble(v.m().get("similarity").n()),
                                new JobId(v.m().get("fromJob").s()))),
                Optional.ofNullable(m.get("batched")).map(AttributeValue::bool).orElse(false));
    }

    /** The memoised output {@code result} is a copy of, the latest one first: {@code {hop, step}}, if any. */
    static Optional<AttributeValue> sameAs(Job job, String result) {
        for (int i = job.hops().size() - 1; i >= 0; i--) {
            Optional<AttributeValue> ref = sameAs(i, job.hops().get(i), result);
            if (ref.isPresent()) {
                return ref;
            }
        }
        return Optional.empty();
    }

    /** The output of {@code hop} (at index {@code index} of the memo) that {@code result} is a copy of, if any. */
    static Optional<AttributeValue> sameAs(int index, HopRecord hop, String result) {
        return new java.util.TreeMap<>(hop.outputs())
                .entrySet().stream()
                        .filter(output -> output.getValue().equals(result))
                        .findFirst()
                        .map(output -> AttributeValue.fromM(Map.of("hop", n(index), "step", s(output.getKey()))));
    }

    private static Optional<String> resultFrom(Map<String, AttributeValue> item, List<HopRecord> hops) {
        return Optional.ofNullable(item.get(RESULT_FROM)).map(ref -> {
            int hop = Integer.parseInt(ref.m().get("hop").n());
            String step = ref.m().get("step").s();
            String output = hop < hops.size() ? hops.get(hop).outputs().get(step) : null;
            if (output == null) {
                throw new IllegalStateException("the result of " + item.get(PK).s() + " names hop " + hop + " step '"
                        + step + "', which its memo does not hold");
            }
            return output;
        });
    }

    static AttributeValue result(JobId job, String result, LargeValues large) {
        return large.store(blobPrefix(job, "result"), result);
    }

    static AttributeValue failure(JobId job, String reason, LargeValues large) {
        return large.store(blobPrefix(job, "failure"), reason);
    }

    static Map<String, AttributeValue> toItem(Batch batch) {
        Map<String, AttributeValue> item = new HashMap<>(batchKey(batch.id()));
        item.put(TENANT, s(batch.tenant().value()));
        item.put(PIPELINE, s(batch.pipeline()));
        item.put(
                JOBS,
                AttributeValue.fromL(
                        batch.jobs().stream().map(j -> s(j.value())).toList()));
        item.put(CORRELATION, s(batch.correlationId().value()));
        item.put(CREATED, instant(batch.createdAt()));
        batch.itemsFingerprint().ifPresent(f -> item.put(ITEMS_FINGERPRINT, s(f)));
        return item;
    }

    /** The batch with its counts: the ended positions on its counting item (and ids counted on the item itself). */
    static Batch toBatch(Map<String, AttributeValue> item, Map<String, AttributeValue> ended) {
        Batch batch = toBatch(item);
        return new Batch(
                batch.id(),
                batch.tenant(),
                batch.pipeline(),
                batch.jobs(),
                batch.succeeded() + numberSetSize(ended.get(SUCCEEDED_JOBS)),
                batch.failed() + numberSetSize(ended.get(FAILED_JOBS)),
                batch.correlationId(),
                batch.createdAt(),
                batch.itemsFingerprint());
    }

    private static int numberSetSize(AttributeValue set) {
        return set == null ? 0 : set.ns().size();
    }

    /**
     * Counts are the sizes of the sets of ended job ids, so counting a job twice cannot count it twice. (Batches
     * counted on their own item before the counting item existed; a batch now counts on {@link #endedKey}.)
     */
    static Batch toBatch(Map<String, AttributeValue> item) {
        return new Batch(
                new BatchId(item.get(PK).s().substring("BATCH#".length())),
                new TenantId(item.get(TENANT).s()),
                item.get(PIPELINE).s(),
                item.get(JOBS).l().stream().map(v -> new JobId(v.s())).toList(),
                setSize(item.get(SUCCEEDED_JOBS)),
                setSize(item.get(FAILED_JOBS)),
                new CorrelationId(item.get(CORRELATION).s()),
                toInstant(item.get(CREATED)),
                Optional.ofNullable(item.get(ITEMS_FINGERPRINT)).map(AttributeValue::s));
    }

    private static int setSize(AttributeValue set) {
        return set == null ? 0 : set.ss().size();
    }

    /** Where a job's large values live: under {@code jobs/{jobId}/}, next to its result and traces. */
    private static String blobPrefix(JobId job, String rest) {
        return "jobs/" + job.value() + "/" + rest;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Epoch seconds with nanoseconds as decimals: exact, and comparable as a number in conditions. */
    static AttributeValue instant(Instant t) {
        return AttributeValue.fromN(BigDecimal.valueOf(t.getEpochSecond())
                .add(BigDecimal.valueOf(t.getNano(), 9))
                .toPlainString());
    }

    static Instant toInstant(AttributeValue v) {
        BigDecimal seconds = new BigDecimal(v.n());
        BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).longValueExact();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    private static AttributeValue usage(TokenUsage usage) {
        return AttributeValue.fromM(
                Map.of("input", n(usage.input()), "output", n(usage.output()), "cachedInput", n(usage.cachedInput())));
    }

    private static TokenUsage toUsage(AttributeValue v) {
        Map<String, AttributeValue> m = v.m();
        return new TokenUsage(
                Long.parseLong(m.get("input").n()),
                Long.parseLong(m.get("output").n()),
                Long.parseLong(m.get("cachedInput").n()));
    }
}
