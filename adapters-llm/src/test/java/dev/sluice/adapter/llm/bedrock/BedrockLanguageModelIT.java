package dev.sluice.adapter.llm.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.LanguageModelContract;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.ReceivedRequest;
import java.net.URI;
import java.util.Map;

class BedrockLanguageModelIT extends LanguageModelContract {
    @Override
    protected String provider() {
        return "bedrock";
    }

    @Override
    protected Map<String, String> options(URI endpoint) {
        return Map.of("baseUrl", endpoint.toString(), "region", "eu-west-1", "credentials", "local");
    }

    @Override
    protected Class<? extends LanguageModel> adapterType() {
        return BedrockLanguageModel.class;
    }

    @Override
    protected boolean reportsCachedInput() {
        return true;
    }

    @Override
    protected void assertAuthenticated(ReceivedRequest request) {
        assertThat(request.path()).startsWith("/model/").endsWith("/converse");
        assertThat(request.header("authorization"))
                .hasValueSatisfying(v -> assertThat(v)
                        .startsWith("AWS4-HMAC-SHA256 Credential=local/")
                        .contains("/eu-west-1/bedrock/aws4_request"));
    }

    /** Bedrock states no limits. */
    @Override
    protected ProviderLimits reportedFor(long rpm, long tpm) {
        return ProviderLimits.NONE;
    }
}
