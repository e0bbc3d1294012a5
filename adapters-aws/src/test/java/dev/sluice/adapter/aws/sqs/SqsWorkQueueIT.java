package dev.sluice.adapter.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.resources.ProvisionedResources;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.adapter.aws.resources.ResourceProvisioner;
import dev.sluice.adapter.aws.resources.ResourceSettings;
import dev.sluice.adapter.aws.resources.SluiceResources;
import dev.sluice.adapter.aws.s3.S3BlobStore;
import dev.sluice.adapter.aws.s3.S3Settings;
import dev.sluice.adapter.aws.s3.S3Stand;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.port.WorkQueueContract;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import dev.sluice.emulators.sqs.ElasticMq;
import dev.sluice.emulators.sqs.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

@ExtendWith({ElasticMqExtension.class, S3ProxyExtension.class})
class SqsWorkQueueIT extends WorkQueueContract {
    private static SqsClient sqs;
    private static S3Client s3;
    private static String bucket;
    private static S3BlobStore payloads;
    private static SqsMessageReader reader;

    private String queueUrl;
    private SqsWorkQueue queue;

    @BeforeAll
    static void connect(ElasticMq elasticMq, S3ProxyServer s3Proxy) {
        sqs = SqsStand.client(elasticMq);
        s3 = S3Stand.client(s3Proxy);
        bucket = S3Stand.freshBucket(s3);
        payloads = new S3BlobStore(s3, new S3Settings(bucket));
        reader = new SqsMessageReader(payloads);
    }

    @AfterAll
    static void disconnect() {
        sqs.close();
        s3.close();
    }

    @BeforeEach
    void freshQueue() {
        queueUrl = SqsStand.freshQueue(sqs);
        queue = new SqsWorkQueue(sqs, payloads, SqsWorkQueueSettings.of(queueUrl));
    }

    @Override
    protected WorkQueue queue() {
        return queue;
    }

    @Override
    protected List<QueueMessage> receive(Duration wait) {
        List<QueueMessage> received = new ArrayList<>();
        for (Message m : SqsStand.receive(sqs, queueUrl, wait)) {
            received.add(reader.read(SqsRecord.of(m)));
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return received;
    }

    private static Envelope envelope() {
        return new Envelope(
                JobId.random(), Fixtures.TENANT, new CorrelationId("corr-7"), "two-hop", 1, 1, Optional.empty());
    }

    private static IngestRequest largeIngest() {
        String text = "0123456789abcdef".repeat(131_072); // 2 MiB of text
        return new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("corr-2mb"),
                "docs",
                List.of(new Document("manual", "text/plain", text, Map.of())),
                List.of());
    }

    private Message receiveOne(String url) {
        List<Message> got = SqsStand.receive(sqs, url, Duration.ofSeconds(5));
        assertThat(got).hasSize(1);
        return got.getFirst();
    }

    @Test
    void aTwoMegabyteBodyTravelsThroughS3AndIsRestored() {
        IngestRequest sent = largeIngest();
        queue.send(sent);

        Message raw = receiveOne(queueUrl);
        assertThat(raw.body().length()).isLessThan(512);
        String key =
                raw.messageAttributes().get(SqsMessageAttributes.PAYLOAD_KEY).stringValue();
        assertThat(key).startsWith("payloads/ingest/acme/");
        assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength())
                .isGreaterThan(2_000_000L);

        assertThat(reader.read(SqsRecord.of(raw))).isEqualTo(sent);
    }

    @Test
    void everyCharacterTheDoorAcceptsTravelsIntact() {
        // The edges of WireText's set, and every character a correlation id may hold (it is a message attribute).
        String text = "tab\t lf\n cr\r space \u0020 \uD7FF \uE000 \uFFFD \uD800\uDC00 \uDBFF\uDFFF é 中 \uD83D\uDE00";
        assertThat(dev.sluice.domain.model.WireText.problem(text)).isEmpty();
        IngestRequest sent = new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("AZaz09._:/=+-"),
                "docs",
                List.of(new Document("d\u00e9", "text/plain", text, Map.of("k\t", text))),
                List.of(text));
        queue.send(sent);
        assertThat(receiveAtLeast(1, Duration.ofSeconds(5))).containsExactly(sent);
    }

    @Test
    void aSmallBodyTravelsInline() {
        Envelope sent = envelope();
        queue.send(sent);

        Message raw = receiveOne(queueUrl);
        assertThat(raw.body())
                .contains("\"type\":\"envelope\"")
                .contains(sent.jobId().value());
        assertThat(raw.messageAttributes()).doesNotContainKey(SqsMessageAttributes.PAYLOAD_KEY);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)
                                .prefix("payloads/" + sent.jobId().value()))
                        .contents())
                .isEmpty();
    }

    @Test
    void correlationTenantJobHopAndTypeTravelAsMessageAttributes() {
        Envelope sent = envelope();
        queue.send(sent);

        Map<String, MessageAttributeValue> attributes = receiveOne(queueUrl).messageAttributes();
        assertThat(attributes.get("correlationId").stringValue()).isEqualTo("corr-7");
        assertThat(attributes.get("tenant").stringValue()).isEqualTo("acme");
        assertThat(attributes.get("jobId").stringValue()).isEqualTo(sent.jobId().value());
        assertThat(attributes.get("hop").dataType()).isEqualTo("Number");
        assertThat(attributes.get("hop").stringValue()).isEqualTo("1");
        assertThat(attributes.get("messageType").stringValue()).isEqualTo("envelope");
    }

    @Test
    void aDelayedMessageStaysInvisibleUntilItsDelayHasPassed() throws InterruptedException {
        Envelope sent = envelope();
        long start = System.nanoTime();
        queue.send(sent, Duration.ofSeconds(3));

        List<QueueMessage> early = new ArrayList<>();
        while (System.nanoTime() - start < Duration.ofMillis(2_000).toNanos()) {
            early.addAll(receive(Duration.ZERO));
            Thread.sleep(200);
        }
        assertThat(early).isEmpty();
        assertThat(receiveAtLeast(1, Duration.ofSeconds(5))).containsExactly(sent);
    }

    @Test
    void delaysBeyondFifteenMinutesOrNegativeAreRefused() {
        assertThatThrownBy(() -> queue.send(envelope(), Duration.ofSeconds(901)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.send(envelope(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachDeliveryCountsAsAnAttemptAndTheDeadLetterQueueGetsTheMessageAfterMaxReceiveCount()
            throws InterruptedException {
        String prefix = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        SluiceResources resources = SluiceResources.of(
                ResourceSettings.defaults(prefix).withMaxReceiveCount(2).withWorkVisibility(Duration.ofSeconds(1)));
        ProvisionedResources provisioned = new ResourceProvisioner(sqs, s3).provision(resources);
        String workUrl = provisioned.queueUrl(resources.queue(QueueRole.WORK));
        String deadLetterUrl = provisioned.queueUrl(resources.deadLetterQueue(QueueRole.WORK));
        SqsWorkQueue work = new SqsWorkQueue(sqs, payloads, SqsWorkQueueSettings.of(workUrl));
        Envelope sent = envelope();
        work.send(sent);

        // Received and never deleted, as when a consumer crashes: it comes back after the visibility timeout.
        List<Integer> attempts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message m = receiveOne(workUrl);
            attempts.add(((Envelope) reader.read(SqsRecord.of(m))).attempt());
            Thread.sleep(1_200);
        }
        assertThat(attempts).containsExactly(1, 2);

        assertThat(SqsStand.receive(sqs, workUrl, Duration.ofSeconds(1))).isEmpty();
        Message dead = receiveOne(deadLetterUrl);
        Envelope deadLettered = (Envelope) reader.read(SqsRecord.of(dead));
        assertThat(deadLettered.jobId()).isEqualTo(sent.jobId());
        assertThat(dead.messageAttributes().get("correlationId").stringValue()).isEqualTo("corr-7");
    }

    @Test
    void aBodyThatIsNotASluiceMessageIsAPermanentErrorNamingTheMessage() {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("hello, not json"));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"type\":\"envelope\",\"tenant\":\"acme\"}"));

        List<Message> raw = new ArrayList<>();
        while (raw.size() < 2) {
            raw.addAll(SqsStand.receive(sqs, queueUrl, Duration.ofSeconds(2)));
        }
        for (Message m : raw) {
            assertThatThrownBy(() -> reader.read(SqsRecord.of(m)))
                    .isInstanceOf(PermanentException.class)
                    .hasMessageContaining(m.messageId())
                    .hasMessageContaining("not a sluice message");
        }
    }

    @Test
    void aClaimCheckWhosePayloadIsGoneIsAPermanentError() {
        queue.send(largeIngest());
        Message raw = receiveOne(queueUrl);
        String key =
                raw.messageAttributes().get(SqsMessageAttributes.PAYLOAD_KEY).stringValue();
        payloads.delete(key);

        assertThatThrownBy(() -> reader.read(SqsRecord.of(raw)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining(key);
    }

    @Test
    void messagesSentTogetherTravelTenToACallAndBigOnesInCallsOfTheirOwnSize() {
        // Ten bodies of 150 KB each: under the claim-check threshold one by one, over a batch's 256 KiB together.
        List<QueueMessage> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(new IngestRequest(
                    Fixtures.TENANT,
                    new CorrelationId("corr-" + i),
                    "docs",
                    List.of(new Document(
                            "d" + i, "text/plain", Integer.toString(i).repeat(150_000), Map.of())),
                    List.of()));
        }
        for (int i = 0; i < 25; i++) {
            sent.add(envelope());
        }
        assertThat(queue.sendAll(sent)).isEmpty();
        assertThat(receiveAtLeast(sent.size(), Duration.ofSeconds(15))).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void messagesSentTogetherToAQueueThatIsGoneAreEachReportedUnsentAndPermanent() {
        SqsWorkQueue gone = new SqsWorkQueue(
                sqs, payloads, SqsWorkQueueSettings.of(queueUrl.replaceAll("[^/]+$", "no-such-queue")));
        List<QueueMessage> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(envelope());
        }
        List<WorkQueue.Unsent> unsent = gone.sendAll(sent);
        assertThat(unsent).extracting(WorkQueue.Unsent::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(unsent).allSatisfy(u -> assertThat(u.failure()).isInstanceOf(PermanentException.class));
    }
}
