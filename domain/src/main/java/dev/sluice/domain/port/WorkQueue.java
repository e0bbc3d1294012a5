package dev.sluice.domain.port;

import dev.sluice.domain.model.QueueMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One queue of sluice (work, finalize or ingest). Delivery is at least once; consumers make duplicates harmless.
 *
 * <p>Contract: a sent message is delivered with its correlation id, tenant and every field intact, however
 * large (adapters move big bodies aside and restore them); it is not delivered before {@code delay} has passed
 * (at most 900 s). Failures: {@link TransientException} when the queue cannot be reached; {@link #sendAll} reports
 * them per message instead.
 */
public interface WorkQueue {
    Duration MAX_DELAY = Duration.ofSeconds(900);

    /** The messages one call can send (SQS's SendMessageBatch): callers of {@link #sendAll} group by this. */
    int BATCH_SIZE = 10;

    void send(QueueMessage message, Duration delay);

    default void send(QueueMessage message) {
        send(message, Duration.ZERO);
    }

    /**
     * Sends each message with no delay, as {@link #send} would, in as few calls as the queue allows. Failures are
     * returned, not thrown, so the caller knows exactly which messages went out: a message that is not among the
     * answer was sent. This default sends one at a time and, at the first failure, reports that message and every
     * one after it (not attempted) with that failure.
     *
     * @return the messages not sent, by their index in {@code messages}, in order; empty when every one was sent
     */
    default List<Unsent> sendAll(List<? extends QueueMessage> messages) {
        List<Unsent> unsent = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!unsent.isEmpty()) {
                unsent.add(new Unsent(i, unsent.getFirst().failure()));
                continue;
            }
            try {
                send(messages.get(i));
            } catch (PortException e) {
                unsent.add(new Unsent(i, e));
            }
        }
        return unsent;
    }

    /** A message {@link #sendAll} did not send: its index in the list given, and why. */
    record Unsent(int index, PortException failure) {}
}
