package dev.sluice.bootstrap.batcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.domain.engine.BatchWindowService;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The batcher function, run by an EventBridge Scheduler schedule ({@code rate(<every>)} of the most frequent batch
 * route): sends each ended window of parked calls as one provider batch and writes the batches that have ended onto
 * their lines. Whatever one run cannot do (a provider down, a store throttled) the next run does, so it never fails
 * the invocation for a model's trouble; it says what happened, per run, in its log and metrics.
 */
public final class BatcherHandler implements RequestHandler<Map<String, Object>, String> {
    private static final long LOADED = System.nanoTime();
    private static final Logger LOG = InitPhases.time("logging", () -> LogManager.getLogger(BatcherHandler.class));

    private final BatchWindowService batcher;
    private final Metrics metrics;

    public BatcherHandler() {
        this(DaggerBatcherComponent.create());
        InitPhases.log(LOG, "batcher", LOADED);
    }

    BatcherHandler(BatcherComponent c) {
        this(c.batcher(), c.metrics());
    }

    public BatcherHandler(BatchWindowService batcher, Metrics metrics) {
        this.batcher = batcher;
        this.metrics = metrics;
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        if (context != null) {
            metrics.captureColdStartMetric(context);
        }
        BatchWindowService.Tick tick = batcher.tick();
        // Only what happened: a run that found nothing to do writes no metric line.
        count("BatchesSubmitted", tick.submitted());
        count("BatchLinesSent", tick.linesSent());
        count("BatchLinesAnswered", tick.answered());
        count("BatchLinesErrored", tick.errored());
        count("BatchLinesResent", tick.resent());
        count("BatchLinesCarried", tick.carried());
        count("BatchRunsIncomplete", tick.failures().isEmpty() ? 0 : 1);
        metrics.flush();
        for (String failure : tick.failures()) {
            LOG.warn("batch run incomplete, the next run tries again: {}", failure);
        }
        if (tick.submitted() + tick.answered() + tick.errored() + tick.resent() + tick.carried() > 0) {
            LOG.info(
                    "batches: {} sent ({} lines), {} lines answered, {} errored, {} sent again, {} kept for the next"
                            + " window (too few for the provider's batch)",
                    tick.submitted(),
                    tick.linesSent(),
                    tick.answered(),
                    tick.errored(),
                    tick.resent(),
                    tick.carried());
        }
        return tick.toString();
    }

    private void count(String name, int n) {
        if (n > 0) {
            metrics.addMetric(name, n, MetricUnit.COUNT);
        }
    }
}
