package dev.sluice.bootstrap.shared.wiring;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.llm.LanguageModels;
import dev.sluice.adapter.llm.batch.BatchModels;
import dev.sluice.adapter.llm.batch.BedrockBatchStorage;
import dev.sluice.adapter.llm.resilience.ResilienceSettings;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;
import javax.inject.Singleton;
import software.amazon.awssdk.services.s3.S3Client;

/** Every configured model alias, its client built once at init, behind retries, a breaker and a time limit. */
@Module
public final class LlmModule {
    private LlmModule() {}

    /**
     * The batch clients of the models with a batch route, for the batcher. Bedrock's batch inference reads and writes
     * its records in the stack's bucket, through the service role the stack made for it.
     */
    @Provides
    @Singleton
    static BatchModel batchModel(SluiceConfig config, Secrets secrets, Settings settings, S3Client s3) {
        return InitPhases.time(
                "clients",
                () -> BatchModels.create(
                        config.models().values().stream()
                                .map(m -> m.provider().equals("bedrock")
                                        ? m.withDefaultOption("region", settings.region())
                                        : m)
                                .toList(),
                        secrets::value,
                        settings.bedrockBatchRole().map(role -> new BedrockBatchStorage(s3, settings.bucket(), role)),
                        BATCH_CALL_TIMEOUT));
    }

    /** How long one call to a batch API may take: an upload of a window's file is the longest. */
    static final Duration BATCH_CALL_TIMEOUT = Duration.ofSeconds(60);

    @Provides
    @Singleton
    static LanguageModel languageModel(SluiceConfig config, Secrets secrets, Settings settings) {
        // Bedrock is called in the function's own region unless a model names another.
        return InitPhases.time(
                "clients",
                () -> LanguageModels.create(
                        config.models().values().stream()
                                .map(m -> m.provider().equals("bedrock")
                                        ? m.withDefaultOption("region", settings.region())
                                        : m)
                                .toList(),
                        secrets::value,
                        ResilienceSettings.DEFAULTS));
    }
}
