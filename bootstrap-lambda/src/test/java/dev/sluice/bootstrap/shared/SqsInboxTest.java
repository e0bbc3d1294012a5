package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.sqs.SqsRecord;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.PermanentException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A Lambda SQS record copied into the adapter's plain record, and read back into the message that was sent. */
class SqsInboxTest {
    private static SQSEvent.MessageAttribute string(String value) {
        SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
        a.setDataType("String");
        a.setStringValue(value);
        return a;
    }

    private static SQSEvent.MessageAttribute binary() {
        SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
        a.setDataType("Binary");
        a.setBinaryValue(java.nio.ByteBuffer.wrap(new byte[] {1}));
        return a;
    }

    @Test
    void theIdBodySystemAttributesAndStringAttributesAreCopied() {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-1");
        record.setBody("{}");
        record.setAttributes(Map.of("ApproximateReceiveCount", "2"));
        record.setMessageAttributes(Map.of("sluice-type", string("envelope"), "blob", binary()));

        assertThat(SqsInbox.toRecord(record))
                .isEqualTo(new SqsRecord(
                        "m-1", "{}", Map.of("ApproximateReceiveCount", "2"), Map.of("sluice-type", "envelope")));
    }

    @Test
    void absentAttributeMapsAreEmpty() {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-2");
        record.setBody("{}");

        assertThat(SqsInbox.toRecord(record)).isEqualTo(new SqsRecord("m-2", "{}", Map.of(), Map.of()));
    }

    @Test
    void aRecordWithoutBodyIsPermanentlyUnreadable() {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-3");

        assertThatThrownBy(() -> new SqsInbox(new InMemoryBlobStore()).read(record))
                .isInstanceOf(PermanentException.class)
                .hasMessage("message m-3 has no body");
    }

    @Test
    void anEnvelopeIsReadBackWithItsDeliveryCount() {
        Envelope sent = new Envelope(
                new JobId("job_1"), Fixtures.TENANT, new CorrelationId("c-1"), "rag", 0, 1, Optional.empty());
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-4");
        record.setBody(DomainJson.write(sent));
        record.setAttributes(Map.of("ApproximateReceiveCount", "3"));

        assertThat(new SqsInbox(new InMemoryBlobStore()).read(record)).isEqualTo(sent.withAttempt(3));
    }
}
