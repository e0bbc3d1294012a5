package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller rules the deployment names (SLUICE_TENANT_CLAIM, ...) reach {@link Callers} through its Settings. */
class CallersFromSettingsTest {
    private static Settings settings(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SLUICE_WORK_QUEUE_URL", "w",
                "SLUICE_FINALIZE_QUEUE_URL", "f",
                "SLUICE_INGEST_QUEUE_URL", "i",
                "SLUICE_JOBS_TABLE", "j",
                "SLUICE_CACHE_TABLE", "c",
                "SLUICE_LIMITS_TABLE", "l",
                "SLUICE_BUCKET", "b"));
        env.putAll(more);
        return Settings.from(env);
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    private final Callers callers = Callers.of(settings(Map.of(
            "SLUICE_TENANT_CLAIM", "custom:tenant",
            "SLUICE_IAM_TENANTS", "OrdersService=acme",
            "SLUICE_OPERATOR_ROLES", "Ops",
            "SLUICE_EVENT_SOURCES", "orders.app=acme")));

    @Test
    void theTenantClaimIsTheConfiguredOne() throws Exception {
        JsonNode authorizer = json("{\"jwt\":{\"claims\":{\"sub\":\"user-1\",\"custom:tenant\":\"globex\"}}}");
        assertThat(callers.identify(authorizer, Map.of()).orElseThrow().tenant())
                .isEqualTo(new TenantId("globex"));
    }

    @Test
    void iamRolesMapToTenantsAndOperatorsHoldTheOperatorScope() throws Exception {
        Caller orders = callers.identify(
                        json("{\"iam\":{\"userArn\":\"arn:aws:sts::123:assumed-role/OrdersService/s\"}}"), Map.of())
                .orElseThrow();
        assertThat(orders.tenant()).isEqualTo(new TenantId("acme"));
        assertThat(orders.scopes()).doesNotContain(Caller.Scope.OPERATOR);
        assertThat(callers.identify(json("{\"iam\":{\"userArn\":\"arn:aws:sts::123:assumed-role/Ops/s\"}}"), Map.of())
                        .orElseThrow()
                        .scopes())
                .contains(Caller.Scope.OPERATOR);
    }

    @Test
    void eventsComeOnlyFromTheListedSources() throws Exception {
        assertThat(callers.eventTenant("orders.app", json("{}"))).isEqualTo(new TenantId("acme"));
        assertThatThrownBy(() -> callers.eventTenant("other.app", json("{}")))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theTenantHeaderCountsOnlyWhereTheDeploymentTrustsIt() throws Exception {
        Map<String, String> header = Map.of("x-tenant-id", "globex");
        assertThat(callers.identify(json("{}"), header)).isEmpty();
        assertThat(Callers.of(settings(Map.of("SLUICE_TRUST_TENANT_HEADER", "true")))
                        .identify(json("{}"), header)
                        .orElseThrow()
                        .tenant())
                .isEqualTo(new TenantId("globex"));
    }
}
