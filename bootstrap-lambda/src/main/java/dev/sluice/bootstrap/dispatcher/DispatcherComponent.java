package dev.sluice.bootstrap.dispatcher;

import dagger.Component;
import dev.sluice.bootstrap.console.ConsoleSource;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.AwsModule;
import dev.sluice.bootstrap.shared.wiring.CoreModule;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.QueryJob;
import dev.sluice.domain.usecase.QueryUsage;
import dev.sluice.domain.usecase.RetryJob;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;

/** The dispatcher's object graph: submission and the read side. No model or vector store is built here. */
@Singleton
@Component(modules = {CoreModule.class, AwsModule.class, DispatcherModule.class})
public interface DispatcherComponent {
    SubmitJob submitJob();

    SubmitBatch submitBatch();

    QueryJob queryJob();

    QueryUsage queryUsage();

    RetryJob retryJob();

    IngestDocuments ingestDocuments();

    ConsoleSource console();

    Clock clock();

    Metrics metrics();

    Settings settings();

    JobTracing tracing();
}
