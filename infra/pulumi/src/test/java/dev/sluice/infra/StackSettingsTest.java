package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Config mistakes stop the deployment with the key at fault, before anything is created. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StackSettingsTest {
    @Test
    void aJwtAuthorizerNeedsAnIssuerAndAudience() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:api", "{\"authorizer\":\"jwt\"}")))
                .hasMessageContaining("sluice:api: the jwt authorizer needs 'jwtIssuer'");
    }

    @Test
    void aDeployedApiNeverTrustsATenantHeader() {
        assertThatThrownBy(() ->
                        StackRun.of("dev", Map.of("sluice:environment", "{\"SLUICE_TRUST_TENANT_HEADER\":\"true\"}")))
                .hasMessageContaining("sluice:environment.SLUICE_TRUST_TENANT_HEADER")
                .hasMessageContaining("authorizer only");
    }

    @Test
    void whatTheProgramSetsCannotBeRedefinedByConfig() {
        for (String name : List.of("SLUICE_CONFIG_VERSION", "SLUICE_JOBS_TABLE", "SLUICE_MAX_RECEIVE_COUNT")) {
            assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:environment", "{\"" + name + "\":\"x\"}")))
                    .hasMessageContaining("sluice:environment." + name + ": set by the program, not by config");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTenantClaimIamTenantsAndOperatorRolesReachTheDispatcher() {
        StackRun run = StackRun.of(
                "dev",
                Map.of(
                        "sluice:api",
                        "{\"authorizer\":\"iam\",\"tenantClaim\":\"custom:tenant_id\",\"iamTenants\":"
                                + "{\"OrdersService\":\"acme\",\"Reports\":\"globex\"},\"operatorRoles\":[\"SluiceOps\"]}"));
        Map<String, String> env = (Map<String, String>) run.one(Types.FUNCTION, run.prefix() + "-dispatcher")
                .map("environment")
                .get("variables");
        assertThat(env)
                .containsEntry("SLUICE_TENANT_CLAIM", "custom:tenant_id")
                .containsEntry("SLUICE_IAM_TENANTS", "OrdersService=acme,Reports=globex")
                .containsEntry("SLUICE_OPERATOR_ROLES", "SluiceOps")
                .doesNotContainKey("SLUICE_TRUST_TENANT_HEADER");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:api", "{\"iamTenants\":{\"a,b\":\"x\"}}")))
                .hasMessageContaining("sluice:api.iamTenants.a,b");
    }

    @Test
    void fargateNeedsAnImageAndSubnets() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:consumers", "fargate")))
                .hasMessageContaining("sluice:fargate.image: is required");
    }

    @Test
    void theDispatcherCannotOutliveApiGateway() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:functions", "{\"dispatcher\":{\"timeout\":60}}")))
                .hasMessageContaining("dispatcher.timeout: API Gateway waits at most 30 s");
    }

    @Test
    void aPipelineMayOnlyCallConfiguredModels() {
        String broken =
                StackRun.stackConfig("dev").get("sluice:pipeline").replace("\"model\":\"fast\"", "\"model\":\"gpt-9\"");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:pipeline", broken)))
                .hasMessageContaining("unknown model alias 'gpt-9'");
    }

    @Test
    void contractVariablesCannotBeOverriddenFromConfig() {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:environment", "{\"SLUICE_BUCKET\":\"other\"}")))
                .hasMessageContaining("sluice:environment.SLUICE_BUCKET");
    }

    @Test
    void extraEnvironmentResolvesPlaceholdersForTheProgramAndReachesTheFunctions() {
        String withPlaceholder = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"apiKeySecret\":\"sluice/openai\"", "\"apiKeySecret\":\"${OPENAI_SECRET:-sluice/openai}\"");
        StackRun run = StackRun.of(
                "dev",
                Map.of(
                        "sluice:pipeline",
                        withPlaceholder,
                        "sluice:environment",
                        "{\"OPENAI_SECRET\":\"team-a/openai\"}"));
        assertThat(run.one(Types.ROLE_POLICY, "sluice-dev-processor-policy").string("policy"))
                .contains(":secret:team-a/openai-??????");
        assertThat(run.one(Types.FUNCTION, "sluice-dev-processor")
                        .map("environment")
                        .get("variables")
                        .toString())
                .contains("OPENAI_SECRET=team-a/openai");
        // The functions substitute at init: the document keeps the placeholder.
        assertThat(run.one(Types.BUCKET_OBJECT, "sluice-dev-config").string("content"))
                .contains("${OPENAI_SECRET:-sluice/openai}");
    }
}
