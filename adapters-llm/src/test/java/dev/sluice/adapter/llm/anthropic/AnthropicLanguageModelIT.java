package dev.sluice.adapter.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

class AnthropicLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "anthropic";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint + "/v1/", "apiKeySecret", "sluice/test");
    }

    @Override
    protected Class<? extends LanguageModel> adapterType() {
        return AnthropicLanguageModel.class;
    }

    @Override
    protected boolean reportsCachedInput() {
        return true;
    }

    @Override
    protected void assertAuthenticated(ReceivedRequest request) {
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).contains(API_KEY);
        assertThat(request.header("anthropic-version")).isPresent();
    }

    /** A combined token limit is stated as Anthropic's tokens limit only, not copied into the input and output ones. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return new ProviderLimits(rpm, tpm, 0, 0);
    }
}
