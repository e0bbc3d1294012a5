package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Swapping a model's provider is a change of configuration: the same resources, different settings. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProviderSwapTest {
    @Test
    void openAiToAnthropicChangesOnlyTheDeliveredDocumentAndTheSecretGrant() {
        String swapped = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"provider\":\"openai\"", "\"provider\":\"anthropic\"")
                .replace("\"model\":\"gpt-4o-mini\"", "\"model\":\"claude-haiku-4-5\"")
                .replace("sluice/openai", "sluice/anthropic");
        StackRun before = StackRun.of("dev");
        StackRun after = StackRun.of("dev", Map.of("sluice:pipeline", swapped));

        assertThat(identities(after)).isEqualTo(identities(before));
        assertThat(changedTypes(before, after))
                .containsExactlyInAnyOrder(Types.BUCKET_OBJECT, Types.ROLE_POLICY, Types.FUNCTION);
        assertOnlyTheConfigVersionChangedInFunctions(before, after);
        assertThat(after.one(Types.BUCKET_OBJECT, "sluice-dev-config").string("content"))
                .contains("provider: anthropic")
                .doesNotContain("openai");
        assertThat(after.one(Types.ROLE_POLICY, "sluice-dev-processor-policy").string("policy"))
                .contains(":secret:sluice/anthropic-??????")
                .doesNotContain("sluice/openai");
    }

    @Test
    void movingToBedrockKeepsTheResourcesAndGrantsTheModelInsteadOfASecret() {
        String swapped = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"provider\":\"openai\"", "\"provider\":\"bedrock\"")
                .replace("\"model\":\"gpt-4o-mini\"", "\"model\":\"anthropic.claude-3-haiku-20240307-v1:0\"")
                .replace(",\"options\":{\"apiKeySecret\":\"sluice/openai\"}", "");
        assertThat(swapped).doesNotContain("apiKeySecret");
        StackRun before = StackRun.of("dev");
        StackRun after = StackRun.of("dev", Map.of("sluice:pipeline", swapped));

        assertThat(identities(after)).isEqualTo(identities(before));
        assertThat(changedTypes(before, after))
                .containsExactlyInAnyOrder(Types.BUCKET_OBJECT, Types.ROLE_POLICY, Types.FUNCTION);
        assertOnlyTheConfigVersionChangedInFunctions(before, after);
        assertThat(after.one(Types.ROLE_POLICY, "sluice-dev-processor-policy").string("policy"))
                .contains("arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")
                .doesNotContain("secretsmanager");
    }

    /** Functions see a new document version (so warm environments are replaced) and nothing else. */
    @SuppressWarnings("unchecked")
    private static void assertOnlyTheConfigVersionChangedInFunctions(StackRun before, StackRun after) {
        for (StackRun.Created fn : after.all(Types.FUNCTION)) {
            StackRun.Created old = before.one(Types.FUNCTION, fn.name());
            Map<String, String> newEnv = new java.util.HashMap<>(
                    (Map<String, String>) fn.map("environment").get("variables"));
            Map<String, String> oldEnv = new java.util.HashMap<>(
                    (Map<String, String>) old.map("environment").get("variables"));
            assertThat(newEnv.remove("SLUICE_CONFIG_VERSION")).isNotEqualTo(oldEnv.remove("SLUICE_CONFIG_VERSION"));
            assertThat(newEnv).isEqualTo(oldEnv);
            Map<String, Object> newRest = normalized(fn.inputs());
            Map<String, Object> oldRest = normalized(old.inputs());
            newRest.remove("environment");
            oldRest.remove("environment");
            assertThat(newRest).isEqualTo(oldRest);
        }
    }

    private static Set<String> identities(StackRun run) {
        return run.created.stream().map(c -> c.type() + " " + c.name()).collect(Collectors.toSet());
    }

    private static Set<String> changedTypes(StackRun before, StackRun after) {
        Map<String, Map<String, Object>> old =
                before.created.stream().collect(Collectors.toMap(c -> c.type() + " " + c.name(), c -> c.inputs()));
        return after.created.stream()
                .filter(c -> !normalized(c.inputs()).equals(normalized(old.get(c.type() + " " + c.name()))))
                .map(StackRun.Created::type)
                .collect(Collectors.toSet());
    }

    /** Assets are compared by path: the same artifact is the same code (its key and hash say so too). */
    private static Map<String, Object> normalized(Map<String, Object> inputs) {
        Map<String, Object> out = new java.util.HashMap<>(inputs);
        out.computeIfPresent("source", (k, v) -> List.of("asset"));
        return out;
    }
}
