package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Local runs' provider keys: the explicit variable first, then the provider's own. */
class EnvironmentSecretsTest {
    @Test
    void theExplicitVariableIsTheWholeNameInCapitalsAndUnderscores() {
        assertThat(EnvironmentSecrets.explicitVariable("sluice/openai")).isEqualTo("SLUICE_SECRET_SLUICE_OPENAI");
        assertThat(EnvironmentSecrets.explicitVariable("team.prod/open-ai"))
                .isEqualTo("SLUICE_SECRET_TEAM_PROD_OPEN_AI");
    }

    @Test
    void theProviderVariableIsNamedByTheLastSegment() {
        assertThat(EnvironmentSecrets.providerVariable("sluice/openai")).isEqualTo("OPENAI_API_KEY");
        assertThat(EnvironmentSecrets.providerVariable("sluice/anthropic")).isEqualTo("ANTHROPIC_API_KEY");
        assertThat(EnvironmentSecrets.providerVariable("sluice/gemini")).isEqualTo("GEMINI_API_KEY");
        assertThat(EnvironmentSecrets.providerVariable("prod/sluice/pinecone")).isEqualTo("PINECONE_API_KEY");
        assertThat(EnvironmentSecrets.providerVariable("openai")).isEqualTo("OPENAI_API_KEY");
    }

    @Test
    void anExplicitValueWinsOverTheProvidersVariable() {
        EnvironmentSecrets secrets = new EnvironmentSecrets(
                Map.of("SLUICE_SECRET_SLUICE_OPENAI", "local-simulator", "OPENAI_API_KEY", "sk-real"));
        assertThat(secrets.value("sluice/openai")).contains("local-simulator");
    }

    @Test
    void theProvidersVariableIsTheFallback() {
        EnvironmentSecrets secrets =
                new EnvironmentSecrets(Map.of("OPENAI_API_KEY", "sk-real", "PINECONE_API_KEY", "pc-key"));
        assertThat(secrets.value("sluice/openai")).contains("sk-real");
        assertThat(secrets.value("sluice/pinecone")).contains("pc-key");
        assertThat(secrets.value("sluice/anthropic")).isEmpty();
        assertThat(secrets.value("sluice/test")).isEmpty();
    }

    @Test
    void theLocalRuntimesSettingsPointTheBundledModelsAtTheSimulatorOrTheRealProvider() {
        // What LocalSluice sets with OPENAI_API_KEY in the environment and no ANTHROPIC_API_KEY.
        Settings settings = SettingsTest.with(Map.of(
                "SLUICE_SECRETS", "env",
                "OPENAI_API_KEY", "sk-real",
                "SLUICE_SECRET_SLUICE_ANTHROPIC", "local-simulator"));
        EnvironmentSecrets secrets = new EnvironmentSecrets(settings.secrets().variables());
        assertThat(secrets.value("sluice/openai")).contains("sk-real");
        assertThat(secrets.value("sluice/anthropic")).contains("local-simulator");
    }
}
