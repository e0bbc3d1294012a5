package dev.sluice.bootstrap.shared;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.logging.log4j.Logger;

/**
 * One delivery of a job's message, as both job consumers (the processor's hops, the finalizer's endings) handle it:
 * read the envelope (an unreadable message comes back, and dead-letters), put the job's identifiers on the log
 * context, run the work under the {@link LastDelivery} rule, log the outcome by identifiers, and answer whether SQS
 * may delete the message. The invocation's own context (function, request id) is already on the thread: {@link
 * SqsBatch} puts it there once.
 */
public final class JobDelivery {
    private final Inbox inbox;
    private final FinalizeJob jobs;
    private final int maxReceiveCount;
    private final Logger log;
    private final JobTracing tracing;
    private final String function;

    /**
     * @param jobs fails a job whose message is on its last delivery when the work threw
     * @param maxReceiveCount the queue's receives before it dead-letters a message
     * @param log the consumer's logger, so outcome lines name the function that had them
     */
    public JobDelivery(Inbox inbox, FinalizeJob jobs, int maxReceiveCount, Logger log) {
        this(inbox, jobs, maxReceiveCount, log, JobTracing.OFF, "consumer");
    }

    /**
     * @param tracing where each delivery's span goes (a child of the message's {@code traceparent})
     * @param function the consumer's name on its spans ({@code processor}, {@code finalizer})
     */
    public JobDelivery(
            Inbox inbox, FinalizeJob jobs, int maxReceiveCount, Logger log, JobTracing tracing, String function) {
        this.tracing = Objects.requireNonNull(tracing, "'tracing' must not be null");
        this.function = Objects.requireNonNull(function, "'function' must not be null");
        this.inbox = Objects.requireNonNull(inbox, "'inbox' must not be null");
        this.jobs = Objects.requireNonNull(jobs, "'jobs' must not be null");
        this.maxReceiveCount = maxReceiveCount;
        this.log = Objects.requireNonNull(log, "'log' must not be null");
    }

    /** What a delivery does, as log lines ({@code hop 1}) and a job failed on its last delivery name it. */
    public record Work(String name, String couldNot) {}

    /**
     * @param what the delivery's work, e.g. {@code hop 1} and {@code hop 1 could not be run}
     * @return true when the message is done (delete it), false when it should come back: a retry, or a job failed on
     *     the message's last delivery (so the message that kept failing can be read in the dead-letter queue)
     */
    public boolean deliver(
            SQSEvent.SQSMessage record, Function<Envelope, Work> what, Function<Envelope, HopOutcome> work) {
        Optional<Envelope> read = inbox.readAs(record, Envelope.class);
        if (read.isEmpty()) {
            return false;
        }
        Envelope envelope = read.get();
        try (MessageContext ignored = MessageContext.open(envelope)) {
            Work named = what.apply(envelope);
            HopOutcome outcome = tracing.delivery(
                    function,
                    named.name(),
                    envelope,
                    traceparent(record),
                    () -> LastDelivery.guard(
                            envelope, maxReceiveCount, jobs, named.couldNot(), () -> work.apply(envelope)));
            OutcomeLog.log(log, named.name() + " attempt " + envelope.attempt(), outcome);
            return switch (outcome) {
                case HopOutcome.Retry r -> false;
                case HopOutcome.Failed f -> envelope.attempt() < maxReceiveCount;
                default -> true;
            };
        }
    }

    private static Optional<String> traceparent(SQSEvent.SQSMessage record) {
        return Optional.ofNullable(record.getMessageAttributes())
                .map(attributes -> attributes.get(TRACEPARENT))
                .map(SQSEvent.MessageAttribute::getStringValue);
    }

    /** The message attribute {@code SqsWorkQueue} sets ({@code SqsMessageAttributes.TRACEPARENT}). */
    static final String TRACEPARENT = "traceparent";
}
