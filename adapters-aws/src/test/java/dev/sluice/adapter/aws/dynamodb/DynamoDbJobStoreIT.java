package dev.sluice.adapter.aws.dynamodb;

import static dev.sluice.domain.fake.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.resources.DynamoDbTables;
import dev.sluice.adapter.aws.resources.TableDefinition;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.JobStoreContract;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The job store on dynalite, with large values in an in-memory blob store (the S3 blob store is tested on its own
 * against s3proxy).
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbJobStoreIT extends JobStoreContract {
    private static final DynamoDbClient CLIENT = LocalDynamoDb.client();
    private static final String TABLE = LocalDynamoDb.TABLES.jobs().name();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Override
    protected JobStore store() {
        return new DynamoDbJobStore(CLIENT, blobs, DynamoDbJobStore.Settings.of(TABLE));
    }

    @Test
    void theNewestJobsAreListedNewestFirstFromTheIndexWithoutTheirStoredAsideValuesAndWithoutBatches() {
        DynamoDbJobStore store = new DynamoDbJobStore(CLIENT, blobs, DynamoDbJobStore.Settings.of(TABLE));
        // A month of their own, so other tests' jobs in the shared table are not among them.
        Instant monthStart = YearMonth.of(2040 + new Random().nextInt(50), 1 + new Random().nextInt(12))
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        List<Job> created = new ArrayList<>();
        // 130 jobs over two months (more than one BatchGetItem's 100 keys), one of them with a large input.
        for (int i = 0; i < 130; i++) {
            Instant at = i < 60 ? monthStart.minusSeconds(3_600L * (60 - i)) : monthStart.plusSeconds(60L * i);
            Map<String, String> input = i == 129 ? Map.of("question", "x".repeat(10_000)) : Map.of("question", "q" + i);
            Job job = Job.queued(
                    JobId.random(),
                    Fixtures.TENANT,
                    Fixtures.twoHopPipeline(),
                    input,
                    "fp-" + i,
                    new CorrelationId("corr-" + i),
                    Optional.empty(),
                    Optional.empty(),
                    Priority.INTERACTIVE,
                    at);
            store.create(job);
            created.add(job);
        }
        Job old = Job.queued(
                JobId.random(),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "old"),
                "fp-old",
                new CorrelationId("corr-old"),
                Optional.empty(),
                Optional.empty(),
                Priority.INTERACTIVE,
                monthStart.minus(Duration.ofDays(31 * (DynamoDbJobStore.MONTHS_LISTED + 2))));
        store.create(old);
        Job newest = created.get(129);
        store.advance(
                newest.id(),
                Fixtures.hop(0, "draft", "first draft"),
                newest.createdAt().plusSeconds(1));
        Batch batch = new Batch(
                BatchId.random(),
                Fixtures.TENANT,
                "two-hop",
                List.of(newest.id()),
                0,
                0,
                new CorrelationId("c"),
                newest.createdAt());
        store.createBatch(batch);
        Instant now = monthStart.plus(Duration.ofDays(20));

        List<DynamoDbJobStore.JobSummary> listed = store.recentJobs(120, now);

        assertThat(listed)
                .extracting(DynamoDbJobStore.JobSummary::id)
                .containsExactlyElementsOf(
                        created.reversed().subList(0, 120).stream().map(Job::id).toList());
        assertThat(store.recentJobs(500, now))
                .extracting(DynamoDbJobStore.JobSummary::id)
                .hasSize(130)
                .doesNotContain(old.id())
                .extracting(JobId::value)
                .doesNotContain(batch.id().value());
        DynamoDbJobStore.JobSummary first = listed.getFirst();
        assertThat(first.id()).isEqualTo(newest.id());
        assertThat(first.hopsDone()).isEqualTo(1);
        assertThat(first.hopCount()).isEqualTo(newest.hopCount());
        assertThat(first.cost().usd())
                .isEqualByComparingTo(
                        Fixtures.hop(0, "draft", "first draft").cost().usd());
        assertThat(first.tenant()).isEqualTo(newest.tenant());
        assertThat(first.correlationId()).isEqualTo(newest.correlationId());
        assertThat(store.recentJobs(3, now))
                .extracting(DynamoDbJobStore.JobSummary::id)
                .containsExactly(
                        created.get(129).id(),
                        created.get(128).id(),
                        created.get(127).id());
    }

    @Test
    void aJobsDeadlineAndModeAreKeptAndAJobWithoutThemStaysAsItWas() {
        JobStore store = store();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        Instant deadline = now.plus(Duration.ofHours(30));
        Job job = Job.queued(
                JobId.random(),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "by tomorrow afternoon"),
                "fp-deadline",
                new CorrelationId("corr-deadline"),
                Optional.empty(),
                Optional.empty(),
                Priority.INTERACTIVE,
                dev.sluice.domain.model.Mode.BATCH,
                Optional.of(deadline),
                now);
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "first draft"), now.plusSeconds(5));
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.deadline()).contains(deadline);
        assertThat(stored.mode()).isEqualTo(dev.sluice.domain.model.Mode.BATCH);

        Job plain = Job.queued(
                JobId.random(),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "whenever"),
                "fp-plain",
                new CorrelationId("corr-plain"),
                Optional.empty(),
                Optional.empty(),
                Priority.INTERACTIVE,
                now);
        store.create(plain);
        assertThat(store.find(plain.id()).orElseThrow().deadline()).isEmpty();
    }

    @Test
    void aTableMadeBeforeTheIndexIsListedByAScanNewestFirst() {
        // A local runtime's kept state from before the index: dynalite cannot add an index to a table.
        TableDefinition jobs = LocalDynamoDb.TABLES.jobs();
        TableDefinition old = new TableDefinition(
                "sluice-jobs-before-index-" + System.nanoTime(),
                jobs.partitionKey(),
                jobs.sortKey(),
                List.of(),
                jobs.ttlAttribute(),
                jobs.billing());
        DynamoDbTables.createIfAbsent(CLIENT, List.of(old));
        DynamoDbJobStore store = new DynamoDbJobStore(CLIENT, blobs, DynamoDbJobStore.Settings.of(old.name()));
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job job = Job.queued(
                    JobId.random(),
                    Fixtures.TENANT,
                    Fixtures.twoHopPipeline(),
                    Map.of("question", "q" + i),
                    "fp-" + i,
                    new CorrelationId("corr-" + i),
                    Optional.empty(),
                    Optional.empty(),
                    Priority.INTERACTIVE,
                    T0.plusSeconds(i));
            store.create(job);
            ids.add(job.id());
        }

        assertThat(store.recentJobs(3, T0.plusSeconds(60)))
                .extracting(DynamoDbJobStore.JobSummary::id)
                .containsExactly(ids.get(4), ids.get(3), ids.get(2));
    }

    @Test
    void anAnswerNoGuardrailChangedIsKeptOnceOnTheItemSoLaterWritesDoNotPayForItTwice() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        String answer = "The sky is blue because air scatters short wavelengths most [1]. ".repeat(30);
        store.advance(job.id(), Fixtures.hop(0, "draft", "plan"), T0);
        Job read = store.advance(job.id(), Fixtures.hop(1, "final", answer), T0).orElseThrow();

        Job done = store.complete(read, answer, T0.plusSeconds(1)).orElseThrow();

        assertThat(done.result()).contains(answer);
        assertThat(store.find(job.id()).orElseThrow().result()).contains(answer);
        Map<String, AttributeValue> item = rawItem(job.id());
        assertThat(item).as("no second copy of the answer").doesNotContainKey("result");
        assertThat(item.get("resultFrom").m()).containsEntry("hop", AttributeValue.fromN("1"));
    }

    @Test
    void aFunctionReadsAJobsStoredAsideInputOnceHoweverOftenItReadsTheJob() {
        Job job = Fixtures.job(JobId.random(), Fixtures.TENANT, Map.of("question", randomDigits(12_000)));
        store().create(job);
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        dev.sluice.domain.port.BlobStore counted = new dev.sluice.domain.port.BlobStore() {
            @Override
            public void put(String key, byte[] content, String contentType) {
                blobs.put(key, content, contentType);
            }

            @Override
            public java.util.Optional<Blob> get(String key) {
                reads.incrementAndGet();
                return blobs.get(key);
            }

            @Override
            public void delete(String key) {
                blobs.delete(key);
            }
        };
        // Another function's store, warm: its lease, its memo's write and its reads share what they loaded.
        JobStore processor = new DynamoDbJobStore(CLIENT, counted, DynamoDbJobStore.Settings.of(TABLE));

        processor.tryLease(job.id(), 0, T0, T0.plusSeconds(60));
        processor.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0.plusSeconds(1));
        Job read = processor.find(job.id()).orElseThrow();

        assertThat(read.input()).isEqualTo(job.input());
        assertThat(reads).hasValue(1);
    }

    @Test
    void theLargeInputsOfABatchAreOneBlobAndEachJobReadsBackItsOwn() {
        JobStore store = store();
        BatchId batch = BatchId.random();
        List<Job> items = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(Job.queued(
                    JobId.random(),
                    Fixtures.TENANT,
                    Fixtures.twoHopPipeline(),
                    Map.of("text", i + " " + randomDigits(6_000 + i), "note", "item " + i),
                    "fp-" + i,
                    new CorrelationId("c"),
                    java.util.Optional.empty(),
                    java.util.Optional.of(batch),
                    dev.sluice.domain.model.Priority.BATCH,
                    T0));
        }

        store.prepareInputs(items);
        items.forEach(store::create);
        // A retried submission writes the same blob again, and the records it finds still point at the right bytes.
        store.prepareInputs(items);

        assertThat(blobs.size()).isEqualTo(1);
        JobStore elsewhere = new DynamoDbJobStore(CLIENT, blobs, DynamoDbJobStore.Settings.of(TABLE));
        for (Job item : items) {
            assertThat(elsewhere.find(item.id()).orElseThrow().input()).isEqualTo(item.input());
        }
    }

    @Test
    void aStaleHopCannotAdvanceAndLeavesTheMemoAlone() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "first draft"), T0.plusSeconds(1));
        store.advance(job.id(), Fixtures.hop(1, "final", "final answer"), T0.plusSeconds(2));

        assertThat(store.advance(job.id(), Fixtures.hop(0, "draft", "late redelivery"), T0.plusSeconds(3)))
                .isEmpty();
        assertThat(store.advance(job.id(), Fixtures.hop(1, "final", "late redelivery"), T0.plusSeconds(3)))
                .isEmpty();
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.hop()).isEqualTo(2);
        assertThat(stored.bindings())
                .containsEntry("steps.draft", "first draft")
                .containsEntry("steps.final", "final answer");
        assertThat(stored.updatedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void aOneMegabyteOutputRoundTripsThroughTheBlobStoreAndTheItemStaysSmall() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        // Random digits: gzip cannot shrink them enough to keep them inline.
        String big = randomDigits(1024 * 1024);
        store.advance(job.id(), Fixtures.hop(0, "draft", big), T0.plusSeconds(1));

        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.bindings().get("steps.draft")).isEqualTo(big);
        assertThat(blobs.size()).isEqualTo(1);
        Map<String, AttributeValue> item = rawItem(job.id());
        AttributeValue draft =
                item.get("hops").l().getFirst().m().get("outputs").m().get("draft");
        assertThat(draft.s()).isNull();
        assertThat(draft.m().get("blob").s()).startsWith("jobs/" + job.id() + "/hops/0/draft/");
        assertThat(item.toString().length()).isLessThan(4 * 1024);
    }

    private static String randomDigits(int length) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        StringBuilder digits = new StringBuilder(length);
        while (digits.length() < length) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    @Test
    void aLongTextThatCompressesIsKeptInlineCompressedAndReadBackAsWritten() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        String answer = "The sky is blue because air scatters short wavelengths of sunlight most [1]. ".repeat(60);
        store.advance(job.id(), Fixtures.hop(0, "draft", answer), T0);

        assertThat(store.find(job.id()).orElseThrow().bindings()).containsEntry("steps.draft", answer);
        AttributeValue draft = rawItem(job.id())
                .get("hops")
                .l()
                .getFirst()
                .m()
                .get("outputs")
                .m()
                .get("draft");
        assertThat(draft.b()).as("kept as gzip").isNotNull();
        assertThat(draft.b().asByteArray().length).isLessThan(answer.length() / 4);
        assertThat(blobs.size()).isZero();
    }

    @Test
    void smallValuesStayInlineAndNeedNoBlob() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "short"), T0);
        store.complete(job.id(), "a short answer", T0);
        assertThat(blobs.size()).isZero();
        assertThat(rawItem(job.id()).get("result").s()).isEqualTo("a short answer");
    }

    @Test
    void theLastHopCannotAdvanceFurther() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0);
        store.advance(job.id(), Fixtures.hop(1, "final", "f"), T0);
        assertThat(store.advance(job.id(), Fixtures.hop(2, "extra", "x"), T0)).isEmpty();
        assertThat(store.tryLease(job.id(), 2, T0, T0.plusSeconds(5)))
                .isInstanceOf(JobStore.LeaseResult.Acquired.class);
    }

    @Test
    void aJobCountedUnderBothOutcomesCountsOnceAndAStrangerIsRefused() {
        JobStore store = store();
        List<JobId> ids = List.of(JobId.random(), JobId.random());
        Batch batch = new Batch(BatchId.random(), Fixtures.TENANT, "two-hop", ids, 0, 0, new CorrelationId("c"), T0);
        store.createBatch(batch);
        store.countBatchItem(batch.id(), ids.get(0), JobStatus.SUCCEEDED);
        Batch again = store.countBatchItem(batch.id(), ids.get(0), JobStatus.FAILED);
        assertThat(again.succeeded()).isEqualTo(1);
        assertThat(again.failed()).isZero();
        assertThatThrownBy(() -> store.countBatchItem(batch.id(), JobId.random(), JobStatus.SUCCEEDED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.countBatchItem(BatchId.random(), ids.get(1), JobStatus.SUCCEEDED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingTableIsAPermanentFailureWithItsCause() {
        JobStore store = new DynamoDbJobStore(CLIENT, blobs, DynamoDbJobStore.Settings.of("sluice-jobs-nowhere"));
        assertThatThrownBy(() -> store.find(JobId.random()))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("GetItem")
                .hasCauseInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }

    private static Map<String, AttributeValue> rawItem(JobId id) {
        return CLIENT.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS("JOB#" + id.value())))
                        .consistentRead(true))
                .item();
    }
}
