package dev.sluice.bootstrap.finalizer;

import dagger.Component;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.AwsModule;
import dev.sluice.bootstrap.shared.wiring.CoreModule;
import dev.sluice.bootstrap.shared.wiring.OutputModule;
import dev.sluice.domain.usecase.FinalizeJob;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;

/** The finalizer's object graph: guardrails, the job store and the event bus. */
@Singleton
@Component(modules = {CoreModule.class, AwsModule.class, OutputModule.class})
public interface FinalizerComponent {
    FinalizeJob finalizeJob();

    Inbox inbox();

    Metrics metrics();

    Settings settings();

    JobTracing tracing();
}
