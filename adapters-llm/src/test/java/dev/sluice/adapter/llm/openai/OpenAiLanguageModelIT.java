package dev.sluice.adapter.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

class OpenAiLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "openai";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint + "/v1", "apiKeySecret", "sluice/test");
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
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).contains("Bearer " + API_KEY);
    }

    /** OpenAI states {@code x-ratelimit-limit-requests} and {@code x-ratelimit-limit-tokens}. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return new ProviderLimits(rpm, tpm, 0, 0);
    }
}
