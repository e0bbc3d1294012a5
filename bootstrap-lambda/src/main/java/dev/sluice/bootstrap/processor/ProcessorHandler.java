package dev.sluice.bootstrap.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.JobDelivery;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Priming;
import dev.sluice.bootstrap.shared.SqsBatch;
import dev.sluice.bootstrap.shared.TraceBatches;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.RunHop;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.lambda.powertools.metrics.Metrics;

/**
 * Runs one hop per message of the work queue, all messages of a batch at once; reports the ones to retry.
 * Throttled hops were re-sent with a delay by the engine and are acked here, so throttling never uses up receives.
 * The traces of the hops a batch answered are written as one object when the batch is done.
 */
public final class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** When this class was loaded: where a cold start's init, as the handler can see it, begins. */
    private static final long LOADED = System.nanoTime();

    /** The first logger of the process starts Log4j: a phase of its own in the init breakdown. */
    private static final Logger LOG = InitPhases.time("logging", () -> LogManager.getLogger(ProcessorHandler.class));

    private final RunHop runHop;
    private final JobDelivery delivery;
    private final Metrics metrics;
    private final JobTracing tracing;
    private final Priming priming;
    /** Where the traces of a batch's hops are kept together, to be written as one. */
    private final TraceBatches traces;

    public ProcessorHandler() {
        this(DaggerProcessorComponent.create());
        InitPhases.log(LOG, "processor", LOADED);
    }

    ProcessorHandler(ProcessorComponent c) {
        this(
                c.runHop(),
                c.finalizeJob(),
                c.inbox(),
                c.metrics(),
                c.settings().maxReceiveCount(),
                c.tracing(),
                c.traceBatches());
    }

    ProcessorHandler(RunHop runHop, FinalizeJob finalizeJob, Inbox inbox, Metrics metrics, int maxReceiveCount) {
        this(runHop, finalizeJob, inbox, metrics, maxReceiveCount, JobTracing.OFF, TraceBatches.NONE);
    }

    ProcessorHandler(
            RunHop runHop,
            FinalizeJob finalizeJob,
            Inbox inbox,
            Metrics metrics,
            int maxReceiveCount,
            JobTracing tracing,
            TraceBatches traces) {
        this.tracing = tracing;
        this.traces = traces;
        this.runHop = runHop;
        this.delivery = new JobDelivery(inbox, finalizeJob, maxReceiveCount, LOG, tracing, "processor");
        this.metrics = metrics;
        // Finalizing a job that does not exist reads the job table and changes nothing: it warms the DynamoDB path.
        this.priming = Priming.register(
                "processor",
                () -> finalizeJob.finalizeJob(new Envelope(
                        new JobId("job_priming"),
                        new TenantId("priming"),
                        new CorrelationId("priming"),
                        "priming",
                        0,
                        1,
                        Optional.empty())));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        TraceBatches.Batch batch = traces.open();
        try {
            return SqsBatch.handle(event, context, metrics, message -> batch.within(() -> process(message)));
        } finally {
            writeTraces(batch);
            tracing.flush();
        }
    }

    /** A batch's traces that cannot be written are lost, not its jobs: their memos and answers are written. */
    private static void writeTraces(TraceBatches.Batch batch) {
        try {
            batch.close();
        } catch (RuntimeException e) {
            LOG.warn("the traces of {} hops of this batch were not written", batch.size(), e);
        }
    }

    private boolean process(SQSEvent.SQSMessage record) {
        return delivery.deliver(
                record,
                envelope ->
                        new JobDelivery.Work("hop " + envelope.hop(), "hop " + envelope.hop() + " could not be run"),
                runHop::run);
    }
}
