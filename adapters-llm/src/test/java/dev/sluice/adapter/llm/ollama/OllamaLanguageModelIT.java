package dev.sluice.adapter.llm.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

class OllamaLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "ollama";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint.toString());
    }

    @Override
    protected Class<? extends LanguageModel> adapterType() {
        return OllamaLanguageModel.class;
    }

    @Override
    protected boolean reportsCachedInput() {
        return false;
    }

    @Override
    protected void assertAuthenticated(ReceivedRequest request) {
        assertThat(request.path()).isEqualTo("/api/chat");
    }

    /** Ollama has no limits to state. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return ProviderLimits.NONE;
    }
}
