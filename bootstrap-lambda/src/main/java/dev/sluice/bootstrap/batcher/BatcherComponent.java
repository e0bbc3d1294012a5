package dev.sluice.bootstrap.batcher;

import dagger.Component;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.AwsModule;
import dev.sluice.bootstrap.shared.wiring.BatchModule;
import dev.sluice.bootstrap.shared.wiring.CoreModule;
import dev.sluice.domain.engine.BatchWindowService;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;

/** The batcher's wiring: the configuration, the parked calls in the cache table, and the providers' batch clients. */
@Singleton
@Component(modules = {CoreModule.class, AwsModule.class, BatchModule.class})
public interface BatcherComponent {
    BatchWindowService batcher();

    Metrics metrics();

    Settings settings();
}
