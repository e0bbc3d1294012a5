package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {
    @Test
    void theBundledConfigurationLoadsWithItsDefaults() {
        SluiceConfig config = ConfigSource.bundled();
        assertThat(config.pipelines()).containsKeys("rag", "research", "classify");
        assertThat(config.pipeline("research").orElseThrow().hopCount()).isEqualTo(3);
        assertThat(config.model("fast").orElseThrow().option("baseUrl")).contains("https://api.openai.com/v1");
        assertThat(config.model("fast").orElseThrow().limits().rpm()).isEqualTo(500);
    }

    private static Settings deployed() {
        return Settings.from(Map.of(
                "SLUICE_WORK_QUEUE_URL", "w",
                "SLUICE_FINALIZE_QUEUE_URL", "f",
                "SLUICE_INGEST_QUEUE_URL", "i",
                "SLUICE_JOBS_TABLE", "j",
                "SLUICE_CACHE_TABLE", "c",
                "SLUICE_LIMITS_TABLE", "l",
                "SLUICE_BUCKET", "sluice-dev-bucket",
                "SLUICE_CONFIG_OBJECT", "config/sluice.yaml"));
    }

    @Test
    void aDeployedFunctionReadsTheDocumentFromItsBucket() {
        InMemoryBlobStore bucket = new InMemoryBlobStore();
        bucket.put("config/sluice.yaml", """
                models:
                  only: {provider: openai, model: gpt-4o-mini, options: {apiKeySecret: sluice/openai}}
                pipelines:
                  ask:
                    inputs: [q]
                    steps:
                      - generate: answer
                        model: only
                        prompt: "{{input.q}}"
                """.getBytes(StandardCharsets.UTF_8), "application/yaml");

        SluiceConfig config = ConfigSource.load(deployed(), bucket::get);

        assertThat(config.models()).containsOnlyKeys("only");
        assertThat(config.pipelines()).containsOnlyKeys("ask");
    }

    @Test
    void aMissingDocumentStopsTheFunctionNamingWhereItLooked() {
        assertThatThrownBy(() -> ConfigSource.load(deployed(), new InMemoryBlobStore()::get))
                .hasMessage(
                        "the configuration document s3://sluice-dev-bucket/config/sluice.yaml does not exist (pulumi"
                                + " up writes it)");
    }

    @Test
    void placeholdersTakeTheEnvironmentsValue() {
        System.setProperty("SLUICE_TEST_MODEL", "gpt-test");
        try {
            assertThat(ConfigSource.substitute("model: ${SLUICE_TEST_MODEL:-other}", "test"))
                    .isEqualTo("model: gpt-test");
            assertThat(ConfigSource.substitute("model: ${SLUICE_UNSET_X:-other}", "test"))
                    .isEqualTo("model: other");
        } finally {
            System.clearProperty("SLUICE_TEST_MODEL");
        }
        assertThatThrownBy(() -> ConfigSource.substitute("model: ${SLUICE_UNSET_Y}", "stack config"))
                .hasMessage("stack config refers to ${SLUICE_UNSET_Y}, which is not set and has no default");
    }

    @Test
    void aBrokenConfigurationNamesItsSourceAndField() {
        assertThatThrownBy(() -> ConfigSource.parse(
                        "models: {}\npipelines:\n  p:\n    steps:\n      - generate: a\n"
                                + "        model: ghost\n        prompt: hi\n",
                        "s3://sluice-dev-bucket/config/sluice.yaml"))
                .hasMessage(
                        "invalid configuration in s3://sluice-dev-bucket/config/sluice.yaml: pipelines.p.steps[0].model:"
                                + " unknown model alias 'ghost' (known: )");
        assertThatThrownBy(() -> ConfigSource.parse("models: [", "file x.yaml"))
                .hasMessageStartingWith("file x.yaml is not valid YAML");
    }

    @Test
    void aPlaceholderWithoutValueIsRefusedAsSuchNotAsBrokenYaml() {
        // The sentence the Pulumi program stops `pulumi preview` with, for the same document (Placeholders).
        assertThatThrownBy(() -> ConfigSource.parse("models:\n  fast: {model: ${SLUICE_UNSET_Z}}\n", "s3://b/p"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("s3://b/p refers to ${SLUICE_UNSET_Z}, which is not set and has no default");
    }
}
