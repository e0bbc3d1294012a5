package dev.sluice.bootstrap.shared.wiring;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.llm.LanguageModels;
import dev.sluice.adapter.llm.resilience.ResilienceSettings;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.port.LanguageModel;
import javax.inject.Singleton;

/** Every configured model alias, its client built once at init, behind retries, a breaker and a time limit. */
@Module
public final class LlmModule {
    private LlmModule() {}

    @Provides
    @Singleton
    static LanguageModel languageModel(SluiceConfig config, Secrets secrets, Settings settings) {
        return InitPhases.time(
                "clients",
                () -> LanguageModels.create(
                        inFunctionRegion(config, settings), secrets::value, ResilienceSettings.DEFAULTS));
    }

    /** The configured models, Bedrock's called in the function's own region unless a model names another. */
    static java.util.List<dev.sluice.domain.model.ModelSpec> inFunctionRegion(SluiceConfig config, Settings settings) {
        return config.models().values().stream()
                .map(m -> m.provider().equals("bedrock") ? m.withDefaultOption("region", settings.region()) : m)
                .toList();
    }
}
