package dev.sluice.bootstrap.finalizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.JobDelivery;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.SqsBatch;
import dev.sluice.domain.usecase.FinalizeJob;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.lambda.powertools.metrics.Metrics;

/** Ends jobs whose model calls are done: guardrails, result, event. One outcome per message of the batch. */
public final class FinalizerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** When this class was loaded: where a cold start's init, as the handler can see it, begins. */
    private static final long LOADED = System.nanoTime();

    /** The first logger of the process starts Log4j: a phase of its own in the init breakdown. */
    private static final Logger LOG = InitPhases.time("logging", () -> LogManager.getLogger(FinalizerHandler.class));

    private final FinalizeJob finalizeJob;
    private final JobDelivery delivery;
    private final Metrics metrics;
    private final JobTracing tracing;

    public FinalizerHandler() {
        this(DaggerFinalizerComponent.create());
        InitPhases.log(LOG, "finalizer", LOADED);
    }

    FinalizerHandler(FinalizerComponent c) {
        this(c.finalizeJob(), c.inbox(), c.metrics(), c.settings().maxReceiveCount(), c.tracing());
    }

    FinalizerHandler(FinalizeJob finalizeJob, Inbox inbox, Metrics metrics, int maxReceiveCount) {
        this(finalizeJob, inbox, metrics, maxReceiveCount, JobTracing.OFF);
    }

    FinalizerHandler(FinalizeJob finalizeJob, Inbox inbox, Metrics metrics, int maxReceiveCount, JobTracing tracing) {
        this.tracing = tracing;
        this.finalizeJob = finalizeJob;
        this.delivery = new JobDelivery(inbox, finalizeJob, maxReceiveCount, LOG, tracing, "finalizer");
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try {
            return SqsBatch.handle(event, context, metrics, this::process);
        } finally {
            tracing.flush();
        }
    }

    private boolean process(SQSEvent.SQSMessage record) {
        return delivery.deliver(
                record,
                envelope -> new JobDelivery.Work("finalize", "the answer could not be finalized"),
                finalizeJob::finalizeJob);
    }
}
