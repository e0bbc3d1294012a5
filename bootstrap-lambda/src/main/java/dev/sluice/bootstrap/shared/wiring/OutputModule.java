package dev.sluice.bootstrap.shared.wiring;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.llm.output.JacksonStructuredOutput;
import dev.sluice.domain.port.StructuredOutput;
import javax.inject.Singleton;

/**
 * The reader of structured answers, for the guardrails of pipelines that ask for JSON: apart from {@link LlmModule}
 * because the finalizer checks answers but calls no model, and its artifact carries no model client.
 */
@Module
public final class OutputModule {
    private OutputModule() {}

    @Provides
    @Singleton
    static StructuredOutput structuredOutput() {
        return new JacksonStructuredOutput();
    }
}
