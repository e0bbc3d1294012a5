package dev.sluice.bootstrap.shared;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.aws.sqs.SqsMessageReader;
import dev.sluice.adapter.aws.sqs.SqsRecord;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.PermanentException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link Inbox} of the Lambda SQS event source: copies a record of the Lambda event into the plain
 * {@link SqsRecord} the AWS adapter reads (which knows no Lambda types), and lets {@link SqsMessageReader} restore
 * the message from it.
 */
public final class SqsInbox implements Inbox {
    private final SqsMessageReader reader;

    public SqsInbox(BlobStore blobs) {
        this.reader = new SqsMessageReader(blobs);
    }

    @Override
    public QueueMessage read(SQSEvent.SQSMessage record) {
        return reader.read(toRecord(record));
    }

    /**
     * The record's id, body, system attributes and the string values of its message attributes (binary ones are not
     * sluice's); absent attribute maps are empty.
     *
     * @throws PermanentException when the record has no body: it can never be read
     */
    static SqsRecord toRecord(SQSEvent.SQSMessage record) {
        Map<String, String> attributes = new HashMap<>();
        if (record.getMessageAttributes() != null) {
            record.getMessageAttributes().forEach((name, value) -> {
                if (value.getStringValue() != null) {
                    attributes.put(name, value.getStringValue());
                }
            });
        }
        if (record.getBody() == null) {
            throw new PermanentException("message " + record.getMessageId() + " has no body", null);
        }
        return new SqsRecord(
                record.getMessageId(),
                record.getBody(),
                record.getAttributes() == null ? Map.of() : record.getAttributes(),
                attributes);
    }
}
