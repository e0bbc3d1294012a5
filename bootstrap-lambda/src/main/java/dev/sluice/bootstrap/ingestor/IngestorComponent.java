package dev.sluice.bootstrap.ingestor;

import dagger.Component;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.AwsModule;
import dev.sluice.bootstrap.shared.wiring.CoreModule;
import dev.sluice.bootstrap.shared.wiring.RetrievalModule;
import dev.sluice.domain.usecase.IngestDocuments;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;

/** The ingestor's object graph: chunking, the embedder and the vector store. */
@Singleton
@Component(modules = {CoreModule.class, AwsModule.class, RetrievalModule.class})
public interface IngestorComponent {
    IngestDocuments ingestDocuments();

    Inbox inbox();

    Metrics metrics();

    Settings settings();
}
