package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/usage} from AWS's own sample JWT event: a tenant reads its own usage, only an operator another's,
 * and a query string the route cannot read is refused with the reason; other routes ignore the query string.
 */
class UsageRouteTest {
    private final TestDispatcher sluice = new TestDispatcher();

    private TestDispatcher.Answer get(String rawQuery, String scopes, String subject) throws Exception {
        ObjectNode event;
        try (InputStream in = UsageRouteTest.class.getResourceAsStream("/events/http-api-jwt.json")) {
            event = (ObjectNode) Json.MAPPER.readTree(in);
        }
        event.put("rawPath", "/v1/usage");
        event.put("rawQueryString", rawQuery);
        event.remove("body");
        ((ObjectNode) event.path("requestContext").path("http"))
                .put("method", "GET")
                .put("path", "/v1/usage");
        ObjectNode claims = (ObjectNode)
                event.path("requestContext").path("authorizer").path("jwt").path("claims");
        claims.removeAll();
        claims.put("sub", subject);
        claims.put("scope", scopes);
        ((ObjectNode) event.path("requestContext").path("authorizer").path("jwt")).remove("scopes");
        JsonNode response = sluice.event(event);
        return new TestDispatcher.Answer(
                response.get("statusCode").asInt(),
                response.get("headers"),
                Json.MAPPER.readTree(response.get("body").asText()));
    }

    @Test
    void aTenantReadsItsOwnUsageAndOnlyAnOperatorAnothers() throws Exception {
        TestDispatcher.Answer own = get("from=2026-01-01&to=2026-01-31", "sluice/jobs.read", "user-1");
        assertThat(own.status()).as(own.body().toString()).isEqualTo(200);
        assertThat(own.body().path("tenant").asText()).isEqualTo("user-1");
        assertThat(own.body().path("from").asText()).isEqualTo("2026-01-01");
        assertThat(own.body().path("total").path("costUsd").asText()).isEqualTo("0");
        assertThat(own.body().path("budget").has("daily"))
                .as("no budget is configured")
                .isFalse();

        TestDispatcher.Answer other = get("tenant=globex", "sluice/jobs.read", "user-1");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.body().path("message").asText()).contains("only an operator");

        TestDispatcher.Answer operator = get("tenant=globex", "sluice/jobs.read sluice/operator", "ops-1");
        assertThat(operator.status()).isEqualTo(200);
        assertThat(operator.body().path("tenant").asText()).isEqualTo("globex");

        TestDispatcher.Answer unread = get("", "sluice/jobs.write", "user-1");
        assertThat(unread.status()).isEqualTo(403);
        assertThat(unread.body().path("message").asText()).contains("sluice/jobs.read");
    }

    @Test
    void aQueryStringTheRouteCannotReadIsRefused() throws Exception {
        Map<String, String> refusals = Map.of(
                "from=%zz", "query",
                "from=2026-01-01&from=2026-01-02", "from",
                "parameter1=value1", "parameter1");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            TestDispatcher.Answer answer = get(r.getKey(), "sluice/jobs.read", "user-1");
            assertThat(answer.status()).as(r.getKey()).isEqualTo(400);
            assertThat(answer.body().path("field").asText()).as(r.getKey()).isEqualTo(r.getValue());
        }
    }
}
