package dev.sluice.bootstrap.finalizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.LastDelivery;
import dev.sluice.bootstrap.shared.MessageContext;
import dev.sluice.bootstrap.shared.OutcomeLog;
import dev.sluice.bootstrap.shared.SqsBatch;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import software.amazon.lambda.powertools.metrics.Metrics;

/** Ends jobs whose model calls are done: guardrails, result, event. One outcome per message of the batch. */
public final class FinalizerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LogManager.getLogger(FinalizerHandler.class);

    private final FinalizeJob finalizeJob;
    private final Inbox inbox;
    private final Metrics metrics;
    private final int maxReceiveCount;

    public FinalizerHandler() {
        this(DaggerFinalizerComponent.create());
    }

    FinalizerHandler(FinalizerComponent c) {
        this(c.finalizeJob(), c.inbox(), c.metrics(), c.settings().maxReceiveCount());
    }

    FinalizerHandler(FinalizeJob finalizeJob, Inbox inbox, Metrics metrics, int maxReceiveCount) {
        this.finalizeJob = finalizeJob;
        this.inbox = inbox;
        this.metrics = metrics;
        this.maxReceiveCount = maxReceiveCount;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.handle(event, context, metrics, this::process);
    }

    private boolean process(SQSEvent.SQSMessage record) {
        Optional<Envelope> read = inbox.readAs(record, Envelope.class);
        if (read.isEmpty()) {
            return false;
        }
        Envelope envelope = read.get();
        try (MessageContext ignored = MessageContext.open(ThreadContext.getImmutableContext(), envelope)) {
            HopOutcome outcome = LastDelivery.guard(
                    envelope,
                    maxReceiveCount,
                    finalizeJob,
                    "the answer could not be finalized",
                    () -> finalizeJob.finalizeJob(envelope));
            OutcomeLog.log(LOG, "finalize attempt " + envelope.attempt(), outcome);
            return !(outcome instanceof HopOutcome.Retry);
        }
    }
}
