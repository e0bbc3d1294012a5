package dev.sluice.bootstrap.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.LastDelivery;
import dev.sluice.bootstrap.shared.MessageContext;
import dev.sluice.bootstrap.shared.OutcomeLog;
import dev.sluice.bootstrap.shared.Priming;
import dev.sluice.bootstrap.shared.SqsBatch;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.RunHop;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import software.amazon.lambda.powertools.metrics.Metrics;

/**
 * Runs one hop per message of the work queue, all messages of a batch at once; reports the ones to retry.
 * Throttled hops were re-sent with a delay by the engine and are acked here, so throttling never uses up receives.
 */
public final class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LogManager.getLogger(ProcessorHandler.class);

    private final RunHop runHop;
    private final FinalizeJob finalizeJob;
    private final Inbox inbox;
    private final Metrics metrics;
    private final int maxReceiveCount;
    private final Priming priming;

    public ProcessorHandler() {
        this(DaggerProcessorComponent.create());
    }

    ProcessorHandler(ProcessorComponent c) {
        this(c.runHop(), c.finalizeJob(), c.inbox(), c.metrics(), c.settings().maxReceiveCount());
    }

    ProcessorHandler(RunHop runHop, FinalizeJob finalizeJob, Inbox inbox, Metrics metrics, int maxReceiveCount) {
        this.runHop = runHop;
        this.finalizeJob = finalizeJob;
        this.inbox = inbox;
        this.metrics = metrics;
        this.maxReceiveCount = maxReceiveCount;
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
        return SqsBatch.handle(event, context, metrics, this::process);
    }

    private boolean process(SQSEvent.SQSMessage record) {
        Optional<Envelope> read = inbox.readAs(record, Envelope.class);
        if (read.isEmpty()) {
            return false;
        }
        Envelope envelope = read.get();
        Map<String, String> inherited = ThreadContext.getImmutableContext();
        try (MessageContext ignored = MessageContext.open(inherited, envelope)) {
            // Last delivery: the message goes to the dead-letter queue, the job must not stay RUNNING.
            HopOutcome outcome = LastDelivery.guard(
                    envelope,
                    maxReceiveCount,
                    finalizeJob,
                    "hop " + envelope.hop() + " could not be run",
                    () -> runHop.run(envelope));
            OutcomeLog.log(LOG, "hop " + envelope.hop() + " attempt " + envelope.attempt(), outcome);
            if (outcome instanceof HopOutcome.Failed && envelope.attempt() >= maxReceiveCount) {
                // The job has ended FAILED with its reason; failing the message too moves it to the dead-letter
                // queue, so the message that kept failing can be read there.
                return false;
            }
            return !(outcome instanceof HopOutcome.Retry);
        }
    }
}
