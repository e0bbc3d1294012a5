package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who the caller is, from AWS's own sample HTTP API events (JWT and IAM authorizers): only what the authorizer
 * verified counts, any subject gets a tenant of its own, and each route needs its scope.
 */
class CallerIdentityTest {
    private static final String ALL_SCOPES = "sluice/jobs.write sluice/jobs.read sluice/documents.write";
    private final TestDispatcher sluice = new TestDispatcher();

    private static ObjectNode sample(String name) throws Exception {
        try (InputStream in = CallerIdentityTest.class.getResourceAsStream("/events/" + name)) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private TestDispatcher.Answer send(ObjectNode event, String method, String path, String body) throws Exception {
        event.put("rawPath", path);
        ((ObjectNode) event.path("requestContext").path("http"))
                .put("method", method)
                .put("path", path);
        event.put("body", body == null ? "" : body);
        JsonNode response = sluice.event(event);
        return new TestDispatcher.Answer(
                response.get("statusCode").asInt(),
                response.get("headers"),
                Json.MAPPER.readTree(response.get("body").asText()));
    }

    private ObjectNode jwt(Map<String, String> claims) throws Exception {
        ObjectNode event = sample("http-api-jwt.json");
        ObjectNode c = (ObjectNode)
                event.path("requestContext").path("authorizer").path("jwt").path("claims");
        c.removeAll();
        claims.forEach(c::put);
        return event;
    }

    private ObjectNode iam(String userArn) throws Exception {
        ObjectNode event = sample("http-api-iam.json");
        ((ObjectNode) event.path("requestContext").path("authorizer").path("iam")).put("userArn", userArn);
        return event;
    }

    private static final String JOB = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}";

    @Test
    void theTenantIsTheConfiguredClaimNotOneTheUserCanWrite() throws Exception {
        var created = send(
                jwt(Map.of("sub", "user-1", "custom:tenant", "globex", "scope", ALL_SCOPES)), "POST", "/v1/jobs", JOB);
        assertThat(created.status()).isEqualTo(202);
        String id = created.body().path("jobId").asText();
        assertThat(sluice.jobs
                        .find(new dev.sluice.domain.model.JobId(id))
                        .orElseThrow()
                        .tenant()
                        .value())
                .isEqualTo("user-1");

        var sameSubject = send(
                jwt(Map.of("sub", "user-1", "custom:tenant", "acme", "scope", ALL_SCOPES)),
                "GET",
                "/v1/jobs/" + id,
                null);
        assertThat(sameSubject.status()).isEqualTo(200);
        var claimsGlobex = send(
                jwt(Map.of("sub", "user-2", "tenant", "user-1", "custom:tenant", "user-1", "scope", ALL_SCOPES)),
                "GET",
                "/v1/jobs/" + id,
                null);
        assertThat(claimsGlobex.status())
                .as("a claim the caller chose opens nothing")
                .isEqualTo(404);
    }

    @Test
    void anySubjectIsAcceptedAndKeepsItsOwnJobs() throws Exception {
        for (String subject : new String[] {
            "auth0|5f7c8ec7c33c6c004bbafe82", "google-oauth2|104567890123456789012", "CN=client,O=Example"
        }) {
            var created = send(jwt(Map.of("sub", subject, "scope", ALL_SCOPES)), "POST", "/v1/jobs", JOB);
            assertThat(created.status()).as(subject).isEqualTo(202);
            String id = created.body().path("jobId").asText();
            assertThat(send(jwt(Map.of("sub", subject, "scope", ALL_SCOPES)), "GET", "/v1/jobs/" + id, null)
                            .status())
                    .isEqualTo(200);
            assertThat(send(jwt(Map.of("sub", subject + "x", "scope", ALL_SCOPES)), "GET", "/v1/jobs/" + id, null)
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aTokenWithoutTheClaimIsUnauthenticated() throws Exception {
        var answer = send(jwt(Map.of("claim1", "value1")), "POST", "/v1/jobs", JOB);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(sluice.work.size()).isZero();
    }

    @Test
    void eachRouteNeedsItsScope() throws Exception {
        var readOnly = jwt(Map.of("sub", "user-3", "scope", "sluice/jobs.read"));
        var refused = send(readOnly, "POST", "/v1/jobs", JOB);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("message").asText()).contains("sluice/jobs.write");
        assertThat(sluice.work.size()).isZero();
        var documents = send(
                jwt(Map.of("sub", "user-3", "scope", "sluice/jobs.write")),
                "POST",
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"Hello.\"}]}");
        assertThat(documents.status()).isEqualTo(403);
        assertThat(documents.body().path("message").asText()).contains("sluice/documents.write");
        var created = send(jwt(Map.of("sub", "user-3", "scope", ALL_SCOPES)), "POST", "/v1/jobs", JOB);
        String id = created.body().path("jobId").asText();
        var trace = send(jwt(Map.of("sub", "user-3", "scope", ALL_SCOPES)), "GET", "/v1/jobs/" + id + "/trace", null);
        assertThat(trace.status()).as("the full trace is an operator route").isEqualTo(403);
        assertThat(trace.body().path("message").asText())
                .contains("sluice/operator")
                .contains("GET /v1/jobs/{id}");
        var operator =
                send(jwt(Map.of("sub", "ops-1", "scope", "sluice/operator")), "GET", "/v1/jobs/" + id + "/trace", null);
        assertThat(operator.status()).as("an operator reads any tenant's trace").isEqualTo(200);
    }

    @Test
    void anIamRoleIsOneTenantWhateverItsSessionIsCalled() throws Exception {
        var first = send(iam("arn:aws:sts::111122223333:assumed-role/Reporting/session-a"), "POST", "/v1/jobs", JOB);
        assertThat(first.status()).isEqualTo(202);
        String id = first.body().path("jobId").asText();
        assertThat(send(
                                iam("arn:aws:sts::111122223333:assumed-role/Reporting/i-0abc123"),
                                "GET",
                                "/v1/jobs/" + id,
                                null)
                        .status())
                .as("another session of the same role")
                .isEqualTo(200);
        assertThat(send(iam("arn:aws:sts::111122223333:assumed-role/Billing/session-a"), "GET", "/v1/jobs/" + id, null)
                        .status())
                .as("another role with the same session name")
                .isEqualTo(404);
        assertThat(sluice.jobs
                        .find(new dev.sluice.domain.model.JobId(id))
                        .orElseThrow()
                        .tenant()
                        .value())
                .isEqualTo("111122223333:Reporting");
    }

    @Test
    void mappedRolesActForTheirTenantAndOperatorRolesReadTraces() throws Exception {
        var mapped =
                send(iam("arn:aws:sts::111122223333:assumed-role/OrdersService/worker-7"), "POST", "/v1/jobs", JOB);
        String id = mapped.body().path("jobId").asText();
        assertThat(sluice.jobs
                        .find(new dev.sluice.domain.model.JobId(id))
                        .orElseThrow()
                        .tenant()
                        .value())
                .isEqualTo("acme");
        assertThat(send(iam("arn:aws:iam::111122223333:user/example-user"), "GET", "/v1/jobs/" + id + "/trace", null)
                        .status())
                .isEqualTo(403);
        assertThat(send(
                                iam("arn:aws:sts::111122223333:assumed-role/SluiceOperator/alice"),
                                "GET",
                                "/v1/jobs/" + id + "/trace",
                                null)
                        .status())
                .isEqualTo(200);
    }
}
