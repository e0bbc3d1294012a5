package dev.sluice.adapter.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.PermanentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reader on records shaped as a Lambda SQS event delivers them (plain strings, no SDK). */
class SqsMessageReaderTest {
    private final InMemoryBlobStore payloads = new InMemoryBlobStore();
    private final SqsMessageReader reader = new SqsMessageReader(payloads);

    private static final Envelope SENT = new Envelope(
            new JobId("job_r"), Fixtures.TENANT, new CorrelationId("corr-r"), "two-hop", 1, 1, Optional.empty());

    private static SqsRecord record(String body, String receiveCount) {
        return new SqsRecord(
                "msg-1",
                body,
                Map.of("ApproximateReceiveCount", receiveCount, "SentTimestamp", "1767225600000"),
                Map.of("correlationId", "corr-r"));
    }

    @Test
    void theDeliveryCountBecomesTheEnvelopesAttempt() {
        assertThat(reader.read(record(DomainJson.write(SENT), "1"))).isEqualTo(SENT);
        assertThat(reader.read(record(DomainJson.write(SENT), "4"))).isEqualTo(SENT.withAttempt(4));
    }

    @Test
    void withoutADeliveryCountTheBodysAttemptStands() {
        SqsRecord bare = new SqsRecord("msg-2", DomainJson.write(SENT.withAttempt(2)), Map.of(), Map.of());

        assertThat(reader.read(bare)).isEqualTo(SENT.withAttempt(2));
    }

    @Test
    void aClaimCheckedBodyIsFetchedFromTheBlobStore() {
        IngestRequest request =
                new IngestRequest(Fixtures.TENANT, new CorrelationId("c"), "docs", List.of(), List.of("gone"));
        payloads.put(
                "payloads/ingest/acme/x.json",
                DomainJson.write(request).getBytes(StandardCharsets.UTF_8),
                "application/json");
        String body = new ClaimCheck("payloads/ingest/acme/x.json", 123).toJson();

        assertThat(reader.read(record(body, "1"))).isEqualTo(request);
    }

    @Test
    void aMissingPayloadIsPermanent() {
        String body = new ClaimCheck("payloads/job_r/lost.json", 123).toJson();

        assertThatThrownBy(() -> reader.read(record(body, "1")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("msg-1")
                .hasMessageContaining("payloads/job_r/lost.json");
    }

    @Test
    void malformedBodiesArePermanentWithTheReason() {
        assertThatThrownBy(() -> reader.read(record("{\"type\":\"envelope\",\"jobId\":\"j\"}", "1")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("msg-1 is not a sluice message")
                .hasMessageContaining("'tenant' is missing");
        assertThatThrownBy(() -> reader.read(record("", "1")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("msg-1");
        assertThatThrownBy(() -> reader.read(record(DomainJson.write(SENT), "many")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("ApproximateReceiveCount");
    }
}
