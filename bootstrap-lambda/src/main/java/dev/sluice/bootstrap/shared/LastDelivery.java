package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The queue consumers' rule for a message's last delivery: whatever handling it throws, an exception or an error such
 * as {@link StackOverflowError}, the job is failed with a reason before SQS moves the message to the dead-letter
 * queue, so no job stays RUNNING behind a dead letter. What was thrown is thrown on, for {@link SqsBatch} to log and
 * report; the tenant is told only what could not be done.
 */
final class LastDelivery {
    private static final Logger LOG = LogManager.getLogger(LastDelivery.class);

    private LastDelivery() {}

    /**
     * @param maxReceiveCount the queue's receives before it dead-letters a message
     * @param couldNot what the job's reason says could not be done, e.g. {@code hop 1 could not be run}
     * @param handling the delivery's work
     */
    static HopOutcome guard(
            Envelope envelope, int maxReceiveCount, FinalizeJob jobs, String couldNot, Supplier<HopOutcome> handling) {
        try {
            return handling.get();
        } catch (Throwable failure) {
            if (envelope.attempt() >= maxReceiveCount) {
                // Whatever was thrown, even an OutOfMemoryError: a job left RUNNING here would never end.
                try {
                    jobs.abandon(
                            envelope,
                            couldNot + ": every one of its " + envelope.attempt()
                                    + " deliveries failed (internal error)");
                } catch (Throwable again) {
                    // Logged here: the errors the JVM throws take no suppressed exceptions.
                    LOG.error(
                            "job {} could not be failed on its last delivery and may stay RUNNING",
                            envelope.jobId().value(),
                            again);
                }
            }
            throw failure;
        }
    }
}
