package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.QueueMessage;
import java.util.Map;
import org.apache.logging.log4j.ThreadContext;

/**
 * Puts one message's identity on the current thread's log context, so every line logged while it is processed
 * carries its own correlation id, job, hop and tenant, even when a batch runs concurrently.
 */
public final class MessageContext implements AutoCloseable {
    private final Map<String, String> previous;

    private MessageContext(QueueMessage message) {
        this.previous = ThreadContext.getImmutableContext();
        ThreadContext.put("correlation_id", message.correlationId().value());
        ThreadContext.put("tenant", message.tenant().value());
        if (message instanceof Envelope e) {
            ThreadContext.put("job_id", e.jobId().value());
            ThreadContext.put("hop", Integer.toString(e.hop()));
            ThreadContext.put("pipeline", e.pipeline());
        }
    }

    /** The message's identifiers on top of the context already on the thread (the invocation's, from SqsBatch). */
    public static MessageContext open(QueueMessage message) {
        return new MessageContext(message);
    }

    @Override
    public void close() {
        ThreadContext.clearMap();
        ThreadContext.putAll(previous);
    }
}
