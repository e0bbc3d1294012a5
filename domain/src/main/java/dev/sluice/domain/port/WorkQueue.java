package dev.sluice.domain.port;

import dev.sluice.domain.model.QueueMessage;
import java.time.Duration;

/**
 * One queue of sluice (work, finalize or ingest). Delivery is at least once; consumers make duplicates harmless.
 *
 * <p>Contract: a sent message is delivered with its correlation id, tenant and every field intact, however
 * large (adapters move big bodies aside and restore them); it is not delivered before {@code delay} has passed
 * (at most 900 s). Failures: {@link TransientException} when the queue cannot be reached.
 */
public interface WorkQueue {
    Duration MAX_DELAY = Duration.ofSeconds(900);

    void send(QueueMessage message, Duration delay);

    default void send(QueueMessage message) {
        send(message, Duration.ZERO);
    }
}
