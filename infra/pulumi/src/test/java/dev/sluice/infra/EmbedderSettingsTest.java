package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedder chosen in config reaches the runtime complete: the OpenAI embedder gets the name of its key's secret
 * and the functions that embed (processor, ingestor, container worker) may read that secret, no others.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbedderSettingsTest {
    private static final String SECRET = "team-a/embeddings";

    @Test
    void theOpenAiEmbeddersSecretIsNamedToEveryFunctionAndReadableOnlyByThoseThatEmbed() {
        StackRun run = StackRun.of("dev", Map.of("sluice:embedder", "openai", "sluice:embedderApiKeySecret", SECRET));
        for (String f : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
            assertThat(env(run, f))
                    .containsEntry("SLUICE_EMBEDDER", "openai")
                    .containsEntry("SLUICE_EMBEDDER_API_KEY_SECRET", SECRET);
        }
        for (String f : List.of("processor", "ingestor")) {
            assertThat(policy(run, f)).contains(":secret:" + SECRET + "-??????");
        }
        for (String f : List.of("dispatcher", "finalizer")) {
            assertThat(policy(run, f)).doesNotContain(SECRET);
        }
    }

    @Test
    void theSecretNameDefaultsToTheOneTheRuntimeAssumes() {
        StackRun run = StackRun.of("dev", Map.of("sluice:embedder", "openai"));
        assertThat(env(run, "ingestor")).containsEntry("SLUICE_EMBEDDER_API_KEY_SECRET", "sluice/openai");
        assertThat(policy(run, "ingestor")).contains(":secret:sluice/openai-??????");
    }

    @Test
    void theContainerWorkerGetsTheSecretNameAndMayReadIt() {
        StackRun run = StackRun.of(
                "staging",
                Map.of(
                        "sluice:consumers", "fargate",
                        "sluice:embedder", "openai",
                        "sluice:embedderApiKeySecret", SECRET));
        List<Map<String, Object>> containers = new Gson()
                .fromJson(
                        run.one(Types.TASK_DEFINITION, "sluice-staging-worker").string("containerDefinitions"),
                        new TypeToken<List<Map<String, Object>>>() {}.getType());
        @SuppressWarnings("unchecked")
        List<Map<String, String>> variables =
                (List<Map<String, String>>) containers.get(0).get("environment");
        assertThat(variables).contains(Map.of("name", "SLUICE_EMBEDDER_API_KEY_SECRET", "value", SECRET));
        assertThat(run.one(Types.ROLE_POLICY, "sluice-staging-worker-task-policy")
                        .string("policy"))
                .contains(":secret:" + SECRET + "-??????");
    }

    @Test
    void otherEmbeddersNameNoSecretAndBedrockCallsTheModelItMayInvoke() {
        StackRun minilm = StackRun.of("dev");
        assertThat(env(minilm, "processor"))
                .doesNotContainKeys("SLUICE_EMBEDDER_API_KEY_SECRET", "SLUICE_EMBEDDER_MODEL");

        StackRun bedrock = StackRun.of(
                "dev",
                Map.of(
                        "sluice:embedder", "bedrock",
                        "sluice:bedrockEmbeddingModel", "cohere.embed-multilingual-v3",
                        "sluice:embedderApiKeySecret", SECRET));
        for (String f : List.of("processor", "ingestor")) {
            assertThat(env(bedrock, f))
                    .doesNotContainKey("SLUICE_EMBEDDER_API_KEY_SECRET")
                    .containsEntry("SLUICE_EMBEDDER_MODEL", "cohere.embed-multilingual-v3");
            assertThat(policy(bedrock, f))
                    .contains("foundation-model/cohere.embed-multilingual-v3")
                    .doesNotContain(SECRET);
        }
    }

    @Test
    void configCannotRenameTheSecretOrTheBedrockModelBehindTheProgramsBack() {
        assertThatThrownBy(() -> StackRun.of(
                        "dev",
                        Map.of(
                                "sluice:embedder", "openai",
                                "sluice:environment", "{\"SLUICE_EMBEDDER_API_KEY_SECRET\":\"other\"}")))
                .hasMessageContaining("sluice:environment.SLUICE_EMBEDDER_API_KEY_SECRET");
        assertThatThrownBy(() -> StackRun.of(
                        "dev",
                        Map.of(
                                "sluice:embedder", "bedrock",
                                "sluice:environment", "{\"SLUICE_EMBEDDER_MODEL\":\"amazon.titan-embed-text-v1\"}")))
                .hasMessageContaining("sluice:bedrockEmbeddingModel");
        assertThatThrownBy(() -> StackRun.of(
                        "dev", Map.of("sluice:embedder", "openai", "sluice:embedderApiKeySecret", "no spaces allowed")))
                .hasMessageContaining("sluice:embedderApiKeySecret: not a Secrets Manager secret name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(StackRun run, String function) {
        return new HashMap<>((Map<String, String>) run.one(Types.FUNCTION, run.prefix() + "-" + function)
                .map("environment")
                .get("variables"));
    }

    private static String policy(StackRun run, String function) {
        return run.one(Types.ROLE_POLICY, run.prefix() + "-" + function + "-policy")
                .string("policy");
    }
}
