package dev.sluice.bootstrap.processor;

import dagger.Component;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.TraceBatches;
import dev.sluice.bootstrap.shared.wiring.AwsModule;
import dev.sluice.bootstrap.shared.wiring.CoreModule;
import dev.sluice.bootstrap.shared.wiring.LlmModule;
import dev.sluice.bootstrap.shared.wiring.OutputModule;
import dev.sluice.bootstrap.shared.wiring.RetrievalModule;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.RunHop;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;

/** The processor's object graph: the pipeline engine with every port it drives. */
@Singleton
@Component(modules = {CoreModule.class, AwsModule.class, LlmModule.class, OutputModule.class, RetrievalModule.class})
public interface ProcessorComponent {
    RunHop runHop();

    FinalizeJob finalizeJob();

    Inbox inbox();

    Metrics metrics();

    Settings settings();

    JobTracing tracing();

    TraceBatches traceBatches();
}
