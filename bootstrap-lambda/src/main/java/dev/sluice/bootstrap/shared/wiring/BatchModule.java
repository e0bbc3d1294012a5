package dev.sluice.bootstrap.shared.wiring;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.llm.batch.BatchModels;
import dev.sluice.adapter.llm.batch.BedrockBatchStorage;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.port.BatchModel;
import java.time.Duration;
import javax.inject.Singleton;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The batcher's own wiring: the batch clients of the models with a batch route. Apart from {@link LlmModule}, so the
 * functions that call models live neither hold nor reach the batch APIs' clients (Bedrock's control plane among them).
 */
@Module
public final class BatchModule {
    private BatchModule() {}

    /** How long one call to a batch API may take: an upload of a window's file is the longest. */
    static final Duration BATCH_CALL_TIMEOUT = Duration.ofSeconds(60);

    /** Bedrock's batch inference reads and writes its records in the stack's bucket, through the stack's role for it. */
    @Provides
    @Singleton
    static BatchModel batchModel(SluiceConfig config, Secrets secrets, Settings settings, S3Client s3) {
        return InitPhases.time(
                "clients",
                () -> BatchModels.create(
                        LlmModule.inFunctionRegion(config, settings),
                        secrets::value,
                        settings.bedrockBatchRole().map(role -> new BedrockBatchStorage(s3, settings.bucket(), role)),
                        BATCH_CALL_TIMEOUT));
    }
}
