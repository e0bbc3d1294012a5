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

    /**
     * A permanent failure: the job is failed with this reason.
     *
     * @param reason what the job's tenant reads: the step and the kind of failure, no dependency's text
     * @param detail for operators (logs, the trace): what the dependency answered; empty when the reason is all
     */
    record Failed(String reason, String detail) implements HopOutcome {
        public Failed {
            java.util.Objects.requireNonNull(reason, "'reason' must not be null");
            java.util.Objects.requireNonNull(detail, "'detail' must not be null");
        }

        public Failed(String reason) {
            this(reason, "");
        }
    }

    /** The hop was done already; anything it owed downstream has been re-sent. */
    record Duplicate() implements HopOutcome {}
}
