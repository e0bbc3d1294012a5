package dev.sluice.bootstrap.shared;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.domain.model.QueueMessage;

/**
 * Turns an SQS record back into the message that was sent: restores a claim-checked body and applies the
 * delivery count. A malformed record is a {@link dev.sluice.domain.port.PermanentException}.
 */
public interface Inbox {
    QueueMessage read(SQSEvent.SQSMessage record);
}
