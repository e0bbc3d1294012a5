package dev.sluice.bootstrap.ingestor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.MessageContext;
import dev.sluice.bootstrap.shared.SqsBatch;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Makes queued documents retrievable: chunk, embed, upsert. */
public final class IngestorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** When this class was loaded: where a cold start's init, as the handler can see it, begins. */
    private static final long LOADED = System.nanoTime();

    /** The first logger of the process starts Log4j: a phase of its own in the init breakdown. */
    private static final Logger LOG = InitPhases.time("logging", () -> LogManager.getLogger(IngestorHandler.class));

    private final IngestDocuments ingest;
    private final Inbox inbox;
    private final Metrics metrics;

    public IngestorHandler() {
        this(DaggerIngestorComponent.create());
        InitPhases.log(LOG, "ingestor", LOADED);
    }

    IngestorHandler(IngestorComponent c) {
        this(c.ingestDocuments(), c.inbox(), c.metrics());
    }

    IngestorHandler(IngestDocuments ingest, Inbox inbox, Metrics metrics) {
        this.ingest = ingest;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.handle(event, context, metrics, this::process);
    }

    private boolean process(SQSEvent.SQSMessage record) {
        Optional<IngestRequest> read = inbox.readAs(record, IngestRequest.class);
        if (read.isEmpty()) {
            return false;
        }
        IngestRequest request = read.get();
        try (MessageContext ignored = MessageContext.open(request)) {
            IngestDocuments.Report report = ingest.ingest(request);
            LOG.info("ingested into {}: {}", request.index(), report);
            metrics.addMetric("ChunksIngested", report.chunks(), MetricUnit.COUNT);
            return true;
        } catch (InvalidInputException | PermanentException e) {
            // It will never succeed: keep it failing so it lands in the dead-letter queue, where it can be read and
            // redriven once fixed. The store is left as it was (VectorStore's contract), so the next message is not
            // affected; there is no job record to fail, so the log line and the metric are the request's ending.
            LOG.error("ingestion into {} refused: {}", request.index(), e.getMessage());
            metrics.addMetric("IngestRefused", 1, MetricUnit.COUNT);
            return false;
        }
    }
}
