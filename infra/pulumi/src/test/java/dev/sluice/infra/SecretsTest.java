package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What must not leak: secret stack values stay secrets in state, provider keys never become environment variables,
 * the document in the bucket holds no secret value, and secrets under a customer-managed key can be decrypted by exactly
 * the roles that read them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsTest {
    private static final String TOKEN = "tok-9f8e7d6c5b4a";
    private static final String ENVIRONMENT = "{\"TEAM_TOKEN\":\"" + TOKEN + "\"}";
    private static final String KMS_KEY = IamPolicyTest.KMS_KEY;
    private static final String VIA_SECRETS_MANAGER =
            "StringEquals kms:ViaService=secretsmanager.eu-west-1.amazonaws.com";

    @Test
    void aSecretEnvironmentIsASecretInputOfEveryFunctionAndOfTheWorker() {
        StackRun run = StackRun.of(
                "staging",
                Map.of("sluice:consumers", "fargate", "sluice:environment", ENVIRONMENT),
                Set.of("sluice:environment"));
        for (String f : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
            StackRun.Created fn = run.one(Types.FUNCTION, run.prefix() + "-" + f);
            assertThat(fn.secret("environment")).as(f).isTrue();
            // Still delivered: the function reads it at init.
            assertThat(fn.map("environment").get("variables").toString()).contains("TEAM_TOKEN=" + TOKEN);
        }
        StackRun.Created task = run.one(Types.TASK_DEFINITION, run.prefix() + "-worker");
        assertThat(task.secret("containerDefinitions")).isTrue();
        assertThat(task.string("containerDefinitions")).contains(TOKEN);
        // Nothing else carries it, in plain text or otherwise.
        assertThat(run.created)
                .filteredOn(c -> !c.type().equals(Types.FUNCTION) && !c.type().equals(Types.TASK_DEFINITION))
                .allSatisfy(c -> assertThat(c.inputs().toString()).as(c.name()).doesNotContain(TOKEN));
    }

    @Test
    void aPlainEnvironmentStaysPlainSoPreviewsShowItsChanges() {
        StackRun run = StackRun.of("dev", Map.of("sluice:environment", ENVIRONMENT));
        assertThat(run.one(Types.FUNCTION, "sluice-dev-processor").secret("environment"))
                .isFalse();
        assertThat(run.created)
                .allSatisfy(c -> assertThat(c.secretInputs()).as(c.name()).isEmpty());
    }

    @Test
    void theDocumentInTheBucketHoldsNoSecretValue() {
        // A secret the document needs is referred to as ${NAME}: the functions substitute it from their environment.
        String pipeline = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace(
                        "\"apiKeySecret\":\"sluice/openai\"",
                        "\"apiKeySecret\":\"sluice/openai\",\"baseUrl\":\"https://gateway.example.com/${TEAM_TOKEN}/v1\"");
        StackRun run = StackRun.of(
                "dev",
                Map.of("sluice:pipeline", pipeline, "sluice:environment", ENVIRONMENT),
                Set.of("sluice:environment"));
        StackRun.Created document = run.one(Types.BUCKET_OBJECT, "sluice-dev-config");
        assertThat(document.string("key")).isEqualTo("config/sluice.yaml");
        assertThat(pipeline).contains("${TEAM_TOKEN}");
        assertThat(document.string("content")).contains("${TEAM_TOKEN}").doesNotContain(TOKEN);
        assertThat(document.secret("content")).isFalse();
    }

    @Test
    void aSecretPipelineDocumentIsRefusedRatherThanWrittenInPlainText() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of(), Set.of("sluice:pipeline")))
                .hasMessageContaining("sluice:pipeline: is marked secret")
                .hasMessageContaining("config/sluice.yaml")
                .hasMessageContaining("apiKeySecret");
    }

    @Test
    void providerKeysCannotBeEnvironmentVariables() {
        for (String name :
                List.of("SLUICE_SECRETS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "SLUICE_SECRET_SLUICE_OPENAI")) {
            assertThatThrownBy(() -> StackRun.of(
                            "dev",
                            Map.of("sluice:environment", "{\"" + name + "\":\"x\"}"),
                            Set.of("sluice:environment")))
                    .as(name)
                    .hasMessageContaining("sluice:environment." + name)
                    .hasMessageContaining("Secrets Manager");
        }
    }

    @Test
    void kmsDecryptOnlyWithACustomerManagedKeyAndOnlyForTheRolesThatReadSecrets() {
        StackRun without = StackRun.of("dev", Map.of("sluice:embedder", "openai"));
        assertThat(without.all(Types.ROLE_POLICY))
                .allSatisfy(p -> assertThat(p.string("policy")).as(p.name()).doesNotContain("kms:"));

        StackRun with = StackRun.of("dev", Map.of("sluice:secretsKmsKeyArn", KMS_KEY));
        String decrypt = "kms:Decrypt " + KMS_KEY + " if " + VIA_SECRETS_MANAGER;
        assertThat(IamPolicyTest.policyGrants(with, "processor")).contains(decrypt);
        // dev's ingestor embeds with MiniLM into Lucene: it reads no secret, so it decrypts nothing.
        for (String f : List.of("dispatcher", "finalizer", "ingestor")) {
            assertThat(IamPolicyTest.policyGrants(with, f))
                    .as(f)
                    .noneMatch(g -> g.startsWith("kms:") || g.startsWith("secretsmanager:"));
        }
        assertThat(IamPolicyTest.policyGrants(with, "processor"))
                .filteredOn(g -> g.startsWith("kms:"))
                .containsExactly(decrypt);

        StackRun embedder = StackRun.of("dev", Map.of("sluice:embedder", "openai", "sluice:secretsKmsKeyArn", KMS_KEY));
        assertThat(IamPolicyTest.policyGrants(embedder, "ingestor")).contains(decrypt);

        StackRun worker =
                StackRun.of("staging", Map.of("sluice:consumers", "fargate", "sluice:secretsKmsKeyArn", KMS_KEY));
        assertThat(IamPolicyTest.grants(worker.one(Types.ROLE_POLICY, "sluice-staging-worker-task-policy")
                        .string("policy")))
                .contains(decrypt);
        assertThat(worker.one(Types.ROLE_POLICY, "sluice-staging-worker-execution-policy")
                        .string("policy"))
                .doesNotContain("kms:");
    }

    @Test
    void theKeyMustBeAKeyArn() {
        for (String bad : List.of(
                "alias/sluice-secrets",
                "arn:aws:kms:eu-west-1:111122223333:alias/sluice-secrets",
                "0d2f5a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
                "arn:aws:kms:eu-west-1:1111:key/0d2f5a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6")) {
            assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:secretsKmsKeyArn", bad)))
                    .as(bad)
                    .hasMessageContaining("sluice:secretsKmsKeyArn: must be the ARN of the customer-managed KMS key")
                    .hasMessageContaining(bad);
        }
        // A multi-Region key is a key too.
        assertThat(StackRun.of(
                                "dev",
                                Map.of(
                                        "sluice:secretsKmsKeyArn",
                                        "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"))
                        .all(Types.FUNCTION))
                .hasSize(4);
    }
}
