package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.EmfTelemetry;
import dev.sluice.bootstrap.shared.Env;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.EngineSettings;
import dev.sluice.domain.config.HopBudget;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.service.FinalizeJobService;
import dev.sluice.domain.service.QueryJobService;
import dev.sluice.domain.service.RetryJobService;
import dev.sluice.domain.service.RunHopService;
import dev.sluice.domain.service.SubmitBatchService;
import dev.sluice.domain.service.SubmitJobService;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.QueryJob;
import dev.sluice.domain.usecase.RetryJob;
import dev.sluice.domain.usecase.RunHop;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import javax.inject.Singleton;
import org.apache.logging.log4j.LogManager;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/** Settings, configuration, metrics and the use cases; the adapters come from the other modules. */
@Module
public final class CoreModule {
    private CoreModule() {}

    @Provides
    @Singleton
    static Settings settings() {
        return Settings.fromEnvironment();
    }

    @Provides
    @Singleton
    static SluiceConfig config(Settings settings, Lazy<SsmClient> ssm) {
        SluiceConfig loaded = ConfigSource.load(
                settings,
                name -> SSMProvider.builder().withClient(ssm.get()).build().get(name));
        // Attempts are counted on the job at each lease; a delivery that dies mid-hop still used up a receive. Fewer
        // attempts than receives means the engine fails such a job itself before SQS dead-letters its message.
        EngineSettings engine = loaded.engine();
        int mostAttempts = Math.max(1, settings.maxReceiveCount() - 1);
        // The lease must outlast the longest hop the configuration allows (its fallback chain in sequence), else a
        // second delivery could start a hop that is still running and pay for it again. Unfit config fails here.
        // Only a lease chosen explicitly (SLUICE_LEASE, as tests that kill processes do) may be shorter.
        HopBudget budget = HopBudget.of(loaded);
        Duration lease = engine.lease();
        if (lease.compareTo(budget.lease()) < 0) {
            if (Env.get("SLUICE_LEASE").isEmpty()) {
                lease = budget.lease();
            } else {
                LogManager.getLogger(CoreModule.class)
                        .warn(
                                "SLUICE_LEASE {} is shorter than the longest hop may take ({} s, {}): a hop still"
                                        + " running when its lease ends may be run, and paid for, twice",
                                lease,
                                budget.lease().toSeconds(),
                                budget.where());
            }
        }
        engine = new EngineSettings(
                lease, Math.min(engine.maxAttempts(), mostAttempts), engine.cacheTtl(), engine.maxDeferral());
        return new SluiceConfig(
                loaded.models(), loaded.pipelines(), loaded.indexes(), loaded.inputLimits(), engine, loaded.tenants());
    }

    @Provides
    @Singleton
    static Clock clock() {
        return Clock.systemUTC();
    }

    @Provides
    @Singleton
    static Metrics metrics() {
        String service = Env.get("POWERTOOLS_SERVICE_NAME").orElse("sluice");
        return MetricsBuilder.builder()
                .withNamespace(Env.get("POWERTOOLS_METRICS_NAMESPACE").orElse("Sluice"))
                .withService(service)
                .withDefaultDimensions(DimensionSet.of("Service", service))
                .build();
    }

    @Provides
    @Singleton
    static Telemetry telemetry(Metrics metrics) {
        return new EmfTelemetry(metrics);
    }

    @Provides
    @Singleton
    static SubmitJob submitJob(SluiceConfig config, JobStore jobs, @Queues.Work WorkQueue work, Clock clock) {
        return new SubmitJobService(config, jobs, work, clock);
    }

    @Provides
    @Singleton
    static SubmitBatch submitBatch(SluiceConfig config, JobStore jobs, @Queues.Work WorkQueue work, Clock clock) {
        return new SubmitBatchService(config, jobs, work, clock);
    }

    @Provides
    @Singleton
    static RetryJob retryJob(
            JobStore jobs, @Queues.Work WorkQueue work, @Queues.Finalize WorkQueue finalizeQueue, Clock clock) {
        return new RetryJobService(jobs, work, finalizeQueue, clock);
    }

    @Provides
    @Singleton
    static QueryJob queryJob(JobStore jobs, TraceStore traces) {
        return new QueryJobService(jobs, traces);
    }

    @Provides
    @Singleton
    static RunHop runHop(
            SluiceConfig config,
            JobStore jobs,
            @Queues.Work WorkQueue work,
            @Queues.Finalize WorkQueue finalizeQueue,
            CompletionCache cache,
            RateLimiter limiter,
            LanguageModel model,
            Embedder embedder,
            VectorStore vectors,
            TraceStore traces,
            EventPublisher events,
            Telemetry telemetry,
            Clock clock) {
        return new RunHopService(
                config,
                new RunHopService.Ports(
                        jobs, work, finalizeQueue, cache, limiter, model, embedder, vectors, traces, events, telemetry),
                clock,
                new SplittableRandom());
    }

    @Provides
    @Singleton
    static FinalizeJob finalizeJob(
            SluiceConfig config,
            JobStore jobs,
            EventPublisher events,
            Telemetry telemetry,
            StructuredOutput structured,
            Clock clock) {
        return new FinalizeJobService(config, jobs, events, telemetry, structured, clock);
    }
}
