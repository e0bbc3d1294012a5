package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.EmfTelemetry;
import dev.sluice.bootstrap.shared.EngineFit;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.TracingTelemetry;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.engine.BatchWindowService;
import dev.sluice.domain.engine.FinalizeJobService;
import dev.sluice.domain.engine.RunHopService;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.QueryUsageService;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.QueryJob;
import dev.sluice.domain.usecase.QueryUsage;
import dev.sluice.domain.usecase.RetryJob;
import dev.sluice.domain.usecase.RunHop;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;

/** Settings, configuration, metrics and the use cases; the adapters come from the other modules. */
@Module
public final class CoreModule {
    private CoreModule() {}

    @Provides
    @Singleton
    static Settings settings() {
        return Settings.fromEnvironment();
    }

    /** The job's trace: a no-op unless an OTLP endpoint is set or the local runtime collects spans. */
    @Provides
    @Singleton
    static JobTracing tracing(Settings settings) {
        return JobTracing.from(settings.tracing());
    }

    /** The configuration, its engine settings fitted to the work queue and the longest hop ({@link EngineFit}). */
    @Provides
    @Singleton
    static SluiceConfig config(Settings settings, Lazy<BlobStore> blobs) {
        return InitPhases.time(
                "config",
                () -> EngineFit.fitted(
                        ConfigSource.load(settings, key -> blobs.get().get(key)), settings));
    }

    @Provides
    @Singleton
    static Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The one random source of the wiring: the engine's deferral jitter and the limiter's lanes and back-off draw
     * from it. It is built at init, so with SnapStart it is in the snapshot that every restored instance resumes
     * from: a generator seeded at init ({@code SplittableRandom}, {@code Random}, and {@code ThreadLocalRandom},
     * whose seeder is static state) would then draw the same sequence in every instance, and their deferred work
     * would come back together. {@link SecureRandom} ({@code NativePRNG} on Lambda's Linux) mixes fresh bytes from
     * the operating system into every draw, which AWS documents as restore-safe on Lambda's managed runtimes
     * (docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html). Thread-safe, as both users need.
     */
    @Provides
    @Singleton
    static RandomGenerator random() {
        return new SecureRandom();
    }

    @Provides
    @Singleton
    static Metrics metrics(Settings settings) {
        return InitPhases.time(
                "metrics",
                () -> MetricsBuilder.builder()
                        .withNamespace(settings.metricsNamespace())
                        .withService(settings.serviceName())
                        .withDefaultDimensions(DimensionSet.of("Service", settings.serviceName()))
                        .build());
    }

    @Provides
    @Singleton
    static Telemetry telemetry(Metrics metrics) {
        return new TracingTelemetry(new EmfTelemetry(metrics));
    }

    @Provides
    @Singleton
    static SubmitJob submitJob(
            SluiceConfig config, JobStore jobs, @Queues.Work WorkQueue work, Clock clock, JobTracing tracing) {
        return tracing.traced(new SubmitJobService(config, jobs, work, clock));
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
    static QueryUsage queryUsage(SluiceConfig config, SpendLedger ledger, Clock clock) {
        return new QueryUsageService(config, ledger, clock);
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
            SpendLedger ledger,
            LanguageModel model,
            Embedder embedder,
            VectorStore vectors,
            TraceStore traces,
            EventPublisher events,
            Telemetry telemetry,
            StructuredOutput structured,
            ParkedCalls parked,
            Clock clock,
            RandomGenerator random) {
        return new RunHopService(
                config,
                new RunHopService.Ports(
                        jobs,
                        work,
                        finalizeQueue,
                        cache,
                        limiter,
                        ledger,
                        model,
                        embedder,
                        vectors,
                        traces,
                        events,
                        telemetry,
                        structured,
                        parked),
                clock,
                random);
    }

    @Provides
    @Singleton
    static BatchWindowService batcher(
            SluiceConfig config, ParkedCalls parked, BatchModel batches, Telemetry telemetry, Clock clock) {
        return new BatchWindowService(config, parked, batches, telemetry, clock);
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
