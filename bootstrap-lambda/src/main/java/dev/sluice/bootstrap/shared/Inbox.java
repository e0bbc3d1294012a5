package dev.sluice.bootstrap.shared;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.PermanentException;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;

/**
 * Turns an SQS record back into the message that was sent: restores a claim-checked body and applies the
 * delivery count. A malformed record is a {@link dev.sluice.domain.port.PermanentException}.
 */
public interface Inbox {
    QueueMessage read(SQSEvent.SQSMessage record);

    /**
     * The record as a message of the type this consumer handles, or empty (logged) when it is unreadable or of
     * another type: such a record can never succeed, so the caller fails it and SQS moves it to the dead-letter queue.
     */
    default <T extends QueueMessage> Optional<T> readAs(SQSEvent.SQSMessage record, Class<T> type) {
        try {
            QueueMessage message = read(record);
            if (type.isInstance(message)) {
                return Optional.of(type.cast(message));
            }
            LogManager.getLogger(Inbox.class)
                    .error(
                            "message {} is a {}, not a {}",
                            record.getMessageId(),
                            message.getClass().getSimpleName(),
                            type.getSimpleName());
        } catch (PermanentException e) {
            LogManager.getLogger(Inbox.class).error("unreadable message {}: {}", record.getMessageId(), e.getMessage());
        }
        return Optional.empty();
    }
}
