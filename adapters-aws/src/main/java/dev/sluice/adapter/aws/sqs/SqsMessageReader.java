package dev.sluice.adapter.aws.sqs;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.codec.MalformedJsonException;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.PermanentException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a received SQS message back into the {@link QueueMessage} that was sent: fetches a claim-checked body from
 * the blob store, and sets {@link Envelope#attempt()} to SQS's delivery count.
 *
 * <p>A body that is not a sluice message, or whose claim-checked payload is gone, is a {@link PermanentException}
 * naming the message: retrying cannot fix it, so the consumer acks (or dead-letters) it instead of crashing.
 * Fetching a payload can fail with the blob store's {@code TransientException}.
 */
public final class SqsMessageReader {
    private final BlobStore payloads;

    public SqsMessageReader(BlobStore payloads) {
        this.payloads = payloads;
    }

    public QueueMessage read(SqsRecord record) {
        Optional<ClaimCheck> claimCheck = ClaimCheck.in(record.body());
        String body = claimCheck.isPresent() ? fetch(record, claimCheck.get()) : record.body();
        QueueMessage message;
        try {
            message = DomainJson.readQueueMessage(body);
        } catch (MalformedJsonException e) {
            throw new PermanentException(
                    "SQS message " + record.messageId() + " is not a sluice message: " + e.getMessage(), e);
        }
        if (message instanceof Envelope envelope) {
            return deliveries(record).map(envelope::withAttempt).orElse(envelope);
        }
        return message;
    }

    private String fetch(SqsRecord record, ClaimCheck claimCheck) {
        BlobStore.Blob blob = payloads.get(claimCheck.key())
                .orElseThrow(() -> new PermanentException(
                        "SQS message " + record.messageId() + " refers to payload " + claimCheck.key()
                                + ", which no longer exists",
                        null));
        return new String(blob.content(), StandardCharsets.UTF_8);
    }

    private static Optional<Integer> deliveries(SqsRecord record) {
        String count = record.attributes().get(SqsMessageAttributes.APPROXIMATE_RECEIVE_COUNT);
        if (count == null) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(count.trim());
            return n >= 1 ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            throw new PermanentException(
                    "SQS message " + record.messageId() + " has a malformed ApproximateReceiveCount '" + count + "'",
                    e);
        }
    }
}
