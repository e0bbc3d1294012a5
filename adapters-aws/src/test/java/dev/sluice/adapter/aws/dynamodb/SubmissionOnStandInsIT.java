package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.sqs.SqsWorkQueue;
import dev.sluice.adapter.aws.sqs.SqsWorkQueueSettings;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import dev.sluice.emulators.sqs.ElasticMq;
import dev.sluice.emulators.sqs.ElasticMqExtension;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Submission on the real stand-ins: when SQS refuses the first message, the job record is not left behind in the
 * table, and a retry with the same idempotency key completes the job or batch; a batch key reused for other items
 * is a conflict by the fingerprint stored in the item.
 */
@ExtendWith({DynaliteExtension.class, ElasticMqExtension.class})
class SubmissionOnStandInsIT {
    private static final SluiceConfig CONFIG = ConfigParser.parse(Map.of(
            "models",
            Map.of("m", Map.of("provider", "openai", "model", "x", "maxOutputTokens", 10)),
            "pipelines",
            Map.of(
                    "ask",
                    Map.of(
                            "inputs",
                            List.of("question"),
                            "steps",
                            List.of(Map.of("generate", "answer", "model", "m", "prompt", "{{input.question}}"))))));
    private static SqsClient sqs;

    private final DynamoDbJobStore jobs = new DynamoDbJobStore(
            LocalDynamoDb.client(),
            new InMemoryBlobStore(),
            DynamoDbJobStore.Settings.of(LocalDynamoDb.TABLES.jobs().name()));
    private String queueUrl;
    private String goneQueueUrl;

    @BeforeAll
    static void connect(ElasticMq elasticMq) {
        sqs = AwsClients.sqs(AwsClientSettings.local(elasticMq.endpoint(), "test", "test"));
    }

    @AfterAll
    static void disconnect() {
        sqs.close();
    }

    @BeforeEach
    void queues() {
        queueUrl =
                sqs.createQueue(b -> b.queueName("submit-" + UUID.randomUUID())).queueUrl();
        goneQueueUrl =
                sqs.createQueue(b -> b.queueName("gone-" + UUID.randomUUID())).queueUrl();
        sqs.deleteQueue(b -> b.queueUrl(goneQueueUrl));
    }

    private SqsWorkQueue queue(String url) {
        return new SqsWorkQueue(sqs, new InMemoryBlobStore(), SqsWorkQueueSettings.of(url));
    }

    private int messages() {
        return Integer.parseInt(sqs.getQueueAttributes(
                        b -> b.queueUrl(queueUrl).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    private static SubmitJob.Command job(String key) {
        return new SubmitJob.Command(
                Fixtures.TENANT, "ask", Map.of("question", "q"), Optional.of(key), CorrelationId.random());
    }

    private static SubmitBatch.Command batch(String key, String... questions) {
        return new SubmitBatch.Command(
                Fixtures.TENANT,
                "ask",
                java.util.Arrays.stream(questions)
                        .map(q -> Map.of("question", q))
                        .toList(),
                Optional.ofNullable(key),
                CorrelationId.random());
    }

    @Test
    void aJobWhoseFirstMessageSqsRefusesLeavesNoRecordAndTheRetryQueuesIt() {
        String key = "job-" + UUID.randomUUID();
        JobId id = JobId.forKey(Fixtures.TENANT, "job", key);
        assertThatThrownBy(() ->
                        new SubmitJobService(CONFIG, jobs, queue(goneQueueUrl), Clock.systemUTC()).submit(job(key)))
                .isInstanceOf(PortException.class);
        assertThat(jobs.find(id)).isEmpty();

        var retried = new SubmitJobService(CONFIG, jobs, queue(queueUrl), Clock.systemUTC()).submit(job(key));
        assertThat(retried).isInstanceOf(SubmitJob.Result.Accepted.class);
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(messages()).isEqualTo(1);
    }

    @Test
    void aKeyedBatchSqsRefusedIsQueuedWholeByTheRetry() {
        String key = "batch-" + UUID.randomUUID();
        assertThatThrownBy(() -> new SubmitBatchService(CONFIG, jobs, queue(goneQueueUrl), Clock.systemUTC())
                        .submit(batch(key, "a", "b", "c")))
                .isInstanceOf(SubmissionIncompleteException.class)
                .hasMessageContaining("0 of 3 jobs were queued");
        Batch batch = new SubmitBatchService(CONFIG, jobs, queue(queueUrl), Clock.systemUTC())
                .submit(batch(key, "a", "b", "c"));
        assertThat(batch.jobs())
                .allSatisfy(
                        id -> assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED));
        assertThat(messages()).isEqualTo(3);
    }

    @Test
    void anUnkeyedBatchSqsRefusedIsFailedAndEnds() {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                SubmissionIncompleteException.class,
                () -> new SubmitBatchService(CONFIG, jobs, queue(goneQueueUrl), Clock.systemUTC())
                        .submit(batch(null, "a", "b")));
        assertThat(error.retryable()).isFalse();
        String batchId = error.getMessage().replaceAll("^batch (\\S+):.*$", "$1");
        Batch batch =
                jobs.findBatch(new dev.sluice.domain.model.BatchId(batchId)).orElseThrow();
        assertThat(batch.isDone()).isTrue();
        assertThat(batch.failed()).isEqualTo(2);
        assertThat(batch.jobs())
                .allSatisfy(id -> assertThat(jobs.find(id).orElseThrow().failureReason())
                        .hasValueSatisfying(r -> assertThat(r).startsWith("could not be queued")));
    }

    @Test
    void theSameBatchKeyWithOtherItemsOfTheSameCountIsAConflict() {
        String key = "batch-" + UUID.randomUUID();
        SubmitBatchService batches = new SubmitBatchService(CONFIG, jobs, queue(queueUrl), Clock.systemUTC());
        batches.submit(batch(key, "a", "b"));
        assertThat(batches.submit(batch(key, "a", "b")).total()).isEqualTo(2);
        assertThatThrownBy(() -> batches.submit(batch(key, "a", "c")))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining(key);
    }
}
