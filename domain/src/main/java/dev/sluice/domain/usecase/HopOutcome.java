package dev.sluice.domain.usecase;

import java.time.Duration;

/** What became of one delivery of a hop message; the consumer acks every outcome except {@link Retry}. */
public sealed interface HopOutcome {
    /** The hop's result is memoised and the next hop is queued. */
    record Advanced(int nextHop) implements HopOutcome {}

    /** The last hop is done and the job is queued for finalizing. */
    record Completed() implements HopOutcome {}

    /** Throttled: the message was re-sent with this delay; the original can be acked. */
    record Deferred(Duration retryAfter) implements HopOutcome {}

    /** A transient failure: return the message to the queue for another delivery. */
    record Retry(String cause) implements HopOutcome {}

    /** A permanent failure: the job is failed with this reason. */
    record Failed(String reason) implements HopOutcome {}

    /** The hop was done already; anything it owed downstream has been re-sent. */
    record Duplicate() implements HopOutcome {}
}
