package dev.sluice.adapter.llm.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

/** Gemini's 429 has no retry-after header: the delay comes from the body's RetryInfo. */
class GeminiLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "gemini";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint + "/v1beta", "apiKeySecret", "sluice/test");
    }

    @Override
    protected Class<? extends LanguageModel> adapterType() {
        return GeminiLanguageModel.class;
    }

    @Override
    protected boolean reportsCachedInput() {
        return true;
    }

    @Override
    protected void assertAuthenticated(ReceivedRequest request) {
        assertThat(request.path()).startsWith("/v1beta/models/").endsWith(":generateContent");
        assertThat(request.header("x-goog-api-key")).contains(API_KEY);
    }

    /** Gemini states no limits in its headers. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return ProviderLimits.NONE;
    }
}
