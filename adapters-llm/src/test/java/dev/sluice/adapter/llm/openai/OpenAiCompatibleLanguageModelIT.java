package dev.sluice.adapter.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

/** An OpenAI-compatible server (vLLM, LM Studio) with no API key: the OpenAI adapter on another base URL. */
class OpenAiCompatibleLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "openai-compatible";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint + "/compat/v1");
    }

    @Override
    protected Class<? extends LanguageModel> adapterType() {
        return OpenAiLanguageModel.class;
    }

    @Override
    protected boolean reportsCachedInput() {
        return true;
    }

    @Override
    protected void assertAuthenticated(ReceivedRequest request) {
        assertThat(request.path()).isEqualTo("/compat/v1/chat/completions");
    }

    /** The simulator sends the OpenAI limit headers on the compatible path too. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return new ProviderLimits(rpm, tpm, 0, 0);
    }
}
