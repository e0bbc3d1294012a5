package dev.sluice.domain.engine;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.HopOutcome;
import java.time.Duration;
import java.util.Objects;

/**
 * What a hop's delivery sends on: the next hop or the finalizer once its memo is written, or the same hop again
 * later ({@link Deferral}) when it may not run now. A send the queue refuses is a {@link HopOutcome.Retry}: the
 * delivery comes back and sends again.
 */
final class Onward {
    private final WorkQueue work;
    private final WorkQueue finalizeQueue;
    private final Deferral deferral;
    private final Telemetry telemetry;

    Onward(WorkQueue work, WorkQueue finalizeQueue, Deferral deferral, Telemetry telemetry) {
        this.work = Objects.requireNonNull(work, "'work' must not be null");
        this.finalizeQueue = Objects.requireNonNull(finalizeQueue, "'finalizeQueue' must not be null");
        this.deferral = Objects.requireNonNull(deferral, "'deferral' must not be null");
        this.telemetry = Objects.requireNonNull(telemetry, "'telemetry' must not be null");
    }

    /** Queues the hop after {@code job.hop() - 1}: the next hop, or the finalizer after the last one. */
    HopOutcome next(Envelope envelope, Job job) {
        try {
            if (job.hop() >= job.hopCount()) {
                finalizeQueue.send(envelope.forHop(job.hop()));
                return new HopOutcome.Completed();
            }
            work.send(envelope.forHop(job.hop()));
            return new HopOutcome.Advanced(job.hop());
        } catch (TransientException e) {
            // The memo is safe; a redelivery of this message finds the job moved on and sends again.
            return new HopOutcome.Retry("could not queue the next step: " + e.getMessage());
        }
    }

    /** The hop again, after {@code retryAfter} (throttled, denied, or leased by another delivery). */
    HopOutcome after(Envelope envelope, Duration retryAfter, String reason) {
        return later(envelope, deferral.after(retryAfter), reason);
    }

    /** The hop again, after the backoff for its attempt {@code attempt} that failed transiently. */
    HopOutcome backoff(Envelope envelope, int attempt, String reason) {
        return later(envelope, deferral.backoff(attempt), reason);
    }

    private HopOutcome later(Envelope envelope, Duration delay, String reason) {
        try {
            // A fresh message: the delivery count starts again, the attempts counted on the job do not.
            work.send(envelope.withAttempt(1), delay);
        } catch (TransientException e) {
            return new HopOutcome.Retry("deferred (" + reason + ") but could not re-queue: " + e.getMessage());
        }
        telemetry.deferred(delay);
        return new HopOutcome.Deferred(delay);
    }
}
