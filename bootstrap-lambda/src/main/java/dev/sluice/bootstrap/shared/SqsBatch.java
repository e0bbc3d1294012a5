package dev.sluice.bootstrap.shared;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;

/**
 * Runs every record of an SQS batch at once on virtual threads (the work is waiting on providers, not computing)
 * and reports the ones to retry individually, for {@code ReportBatchItemFailures}.
 */
public final class SqsBatch {
    private static final Logger LOG = LogManager.getLogger(SqsBatch.class);

    private SqsBatch() {}

    /**
     * One invocation of a queue consumer as every sluice function runs it: cold-start metric, Powertools logging
     * context, the batch, and the metrics flushed whatever happens.
     */
    public static SQSBatchResponse handle(
            SQSEvent event, Context context, Metrics metrics, Predicate<SQSEvent.SQSMessage> process) {
        metrics.captureColdStartMetric(context);
        return PowertoolsLogging.withLogging(context, () -> {
            try {
                return run(event, process);
            } finally {
                metrics.flush();
            }
        });
    }

    /**
     * @param process returns true when the record is done (ack), false when it should come back; an exception or an
     *     error counts as false and is logged
     */
    public static SQSBatchResponse run(SQSEvent event, Predicate<SQSEvent.SQSMessage> process) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        Map<String, String> inherited = ThreadContext.getImmutableContext();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (SQSEvent.SQSMessage record : records) {
                results.add(threads.submit(() -> {
                    ThreadContext.putAll(inherited);
                    try {
                        return process.test(record);
                    } catch (RuntimeException | Error e) {
                        // An error too (a StackOverflowError): the message comes back or dead-letters, and is logged.
                        LOG.error("message {} failed and will be retried", record.getMessageId(), e);
                        return false;
                    } finally {
                        ThreadContext.clearMap();
                    }
                }));
            }
            for (int i = 0; i < records.size(); i++) {
                if (!done(results.get(i))) {
                    failures.add(
                            new SQSBatchResponse.BatchItemFailure(records.get(i).getMessageId()));
                }
            }
        }
        return new SQSBatchResponse(failures);
    }

    private static boolean done(Future<Boolean> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }
}
