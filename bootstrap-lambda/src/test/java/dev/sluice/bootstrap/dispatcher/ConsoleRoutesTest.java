package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.console.Console;
import dev.sluice.bootstrap.console.ConsoleSource;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.console.Span;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemorySpendLedger;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.QueryUsageService;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * The console as the dispatcher serves it behind the API's authorizer, fed hostile requests: only operators get it,
 * every answer is HTML with the console's security headers or a 4xx, never a 5xx for what a caller sent, and the
 * API's own paths still answer as the API.
 */
class ConsoleRoutesTest {
    private static final String HOSTILE = "<script>alert(1)</script>";
    private final SluiceConfig config = ConfigSource.bundled();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final List<String> redrives = new ArrayList<>();
    private final Job job = Job.queued(
            new JobId("job_console"),
            new TenantId("acme"),
            config.pipeline("rag").orElseThrow(),
            Map.of("question", HOSTILE),
            "fp",
            new CorrelationId("corr"),
            Optional.empty(),
            Optional.empty(),
            Priority.INTERACTIVE,
            Instant.parse("2026-12-07T00:00:00Z"));

    /** A job older than the newest the list reads: found by its id only. */
    private final Job older = Job.queued(
            new JobId("job_older"),
            new TenantId("acme"),
            config.pipeline("rag").orElseThrow(),
            Map.of("question", "old"),
            "fp-old",
            new CorrelationId("corr-old"),
            Optional.empty(),
            Optional.empty(),
            Priority.INTERACTIVE,
            Instant.parse("2025-01-01T00:00:00Z"));

    private final ConsoleSource source = new ConsoleSource() {
        @Override
        public List<DynamoDbJobStore.JobSummary> recentJobs() {
            return List.of(new DynamoDbJobStore.JobSummary(
                    job.id(),
                    job.tenant(),
                    "rag",
                    JobStatus.QUEUED,
                    0,
                    1,
                    job.correlationId(),
                    Cost.ZERO,
                    job.createdAt(),
                    job.updatedAt()));
        }

        @Override
        public Optional<Job> job(String id) {
            return Optional.of(job)
                    .filter(j -> j.id().value().equals(id))
                    .or(() -> Optional.of(older).filter(j -> j.id().value().equals(id)));
        }

        @Override
        public List<HopTrace> traces(Job j) {
            return List.of();
        }

        @Override
        public List<Span> spans(Job j) {
            return List.of();
        }

        @Override
        public SluiceConfig config() {
            return config;
        }

        @Override
        public Map<String, String> settings() {
            return Map.of();
        }

        @Override
        public List<DeadLetterQueues.DeadLetters> deadLetters(int limit) {
            return List.of();
        }

        @Override
        public List<String> redrive() {
            redrives.add("redrive");
            return List.of();
        }

        @Override
        public List<Sample> samples() {
            return List.of(new Sample(Instant.now(), List.of(), Map.of()));
        }
    };

    private final DispatcherHandler handler;

    ConsoleRoutesTest() {
        InMemoryWorkQueue work = new InMemoryWorkQueue(Clock.systemUTC());
        SubmitJobService submit = new SubmitJobService(config, jobs, work, Clock.systemUTC());
        handler = new DispatcherHandler(
                new HttpApi(
                        submit,
                        new SubmitBatchService(config, jobs, work, Clock.systemUTC()),
                        new QueryJobService(jobs, new InMemoryTraceStore()),
                        new QueryUsageService(config, new InMemorySpendLedger(), Clock.systemUTC()),
                        new IngestDocumentsService(config, new HashingEmbedder(384), new InMemoryVectorStore(), work),
                        new RetryJobService(jobs, work, work, Clock.systemUTC()),
                        Optional.of(new Console(source, Clock.systemUTC()))),
                submit,
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("dispatcher")
                        .build(),
                new Callers("sub", Map.of(), Set.of("Ops"), Map.of(), false));
    }

    @Test
    void operatorsGetThePagesAsHtmlWithTheConsolesHeadersAndTheValuesEscaped() throws Exception {
        for (String path : List.of("/", "/jobs/rows", "/jobs/job_console", "/dead-letters", "/pipelines", "/charts")) {
            JsonNode page = send("GET", path, "", "sluice/operator", Map.of());
            assertThat(page.path("statusCode").asInt()).as(path).isEqualTo(200);
            assertThat(page.path("headers").path("Content-Type").asText())
                    .as(path)
                    .isEqualTo("text/html; charset=utf-8");
            assertThat(page.path("headers").path("Content-Security-Policy").asText())
                    .contains("script-src 'self'");
            assertThat(page.path("headers").path("X-Correlation-Id").asText()).isNotBlank();
            assertThat(page.path("body").asText()).as(path).doesNotContain(HOSTILE);
        }
        assertThat(send("GET", "/jobs/job_console", "", "sluice/operator", Map.of())
                        .path("body")
                        .asText())
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void callersWithoutTheOperatorScopeAndCallersWithoutAnIdentityAreRefused() throws Exception {
        JsonNode tenant = send("GET", "/", "", "sluice/jobs.read sluice/jobs.write", Map.of());
        assertThat(tenant.path("statusCode").asInt()).isEqualTo(403);
        assertThat(Json.MAPPER
                        .readTree(tenant.path("body").asText())
                        .path("message")
                        .asText())
                .contains("the console needs the scope sluice/operator");
        JsonNode nobody = send("GET", "/", "", null, Map.of());
        assertThat(nobody.path("statusCode").asInt()).isEqualTo(401);
        assertThat(send("POST", Console.REDRIVE, "", "sluice/jobs.write", Map.of("origin", "https://api.example"))
                        .path("statusCode")
                        .asInt())
                .isEqualTo(403);
        assertThat(redrives).isEmpty();
    }

    @Test
    void malformedAddressesAndOtherMethodsGet4xxNever5xx() throws Exception {
        for (String path : List.of(
                "/jobs/%ZZ",
                "/jobs/%", "/jobs/" + "x".repeat(5000), "/static/../../etc/passwd", "/jobs/a/b", "/nope")) {
            int status = send("GET", path, "", "sluice/operator", Map.of())
                    .path("statusCode")
                    .asInt();
            assertThat(status).as(path).isEqualTo(404);
        }
        JsonNode query =
                send("GET", "/", "", "sluice/operator", Map.of(), "status=%ZZ&q=%&tenant=" + "y".repeat(10_000));
        assertThat(query.path("statusCode").asInt()).isEqualTo(200);
        for (String method : List.of("PUT", "DELETE", "PATCH", "POST")) {
            JsonNode refused = send(method, "/pipelines", "{}", "sluice/operator", Map.of());
            assertThat(refused.path("statusCode").asInt()).as(method).isEqualTo(405);
            assertThat(refused.path("headers").path("Allow").asText()).isEqualTo("GET, HEAD");
        }
        assertThat(send("GET", Console.REDRIVE, "", "sluice/operator", Map.of())
                        .path("headers")
                        .path("Allow")
                        .asText())
                .isEqualTo("POST");
    }

    @Test
    void aRedriveIsTakenFromTheConsolesOwnPageOrAClientWithoutAnOriginOnly() throws Exception {
        assertThat(send("POST", Console.REDRIVE, "", "sluice/operator", Map.of("origin", "https://evil.example"))
                        .path("statusCode")
                        .asInt())
                .isEqualTo(403);
        assertThat(redrives).isEmpty();
        assertThat(send("POST", Console.REDRIVE, "", "sluice/operator", Map.of("origin", "https://api.example"))
                        .path("statusCode")
                        .asInt())
                .isEqualTo(200);
        assertThat(send("POST", Console.REDRIVE, "", "sluice/operator", Map.of())
                        .path("statusCode")
                        .asInt())
                .isEqualTo(200);
        assertThat(redrives).hasSize(2);
    }

    @Test
    void aJobOlderThanTheListIsFoundBySearchingItsId() throws Exception {
        assertThat(send("GET", "/jobs/rows", "", "sluice/operator", Map.of())
                        .path("body")
                        .asText())
                .doesNotContain("job_older");
        assertThat(send("GET", "/jobs/rows", "", "sluice/operator", Map.of(), "q=job_older")
                        .path("body")
                        .asText())
                .contains("href=\"/jobs/job_older\"")
                .doesNotContain("job_console");
    }

    @Test
    void theApisOwnPathsStillAnswerAsTheApi() throws Exception {
        JsonNode missing = send("GET", "/v1/nothing-here", "", "sluice/operator", Map.of());
        assertThat(missing.path("statusCode").asInt()).isEqualTo(404);
        assertThat(missing.path("headers").path("Content-Type").asText()).isEqualTo("application/json");
        assertThat(Json.MAPPER
                        .readTree(missing.path("body").asText())
                        .path("message")
                        .asText())
                .contains("GET /v1/usage");
    }

    private JsonNode send(String method, String path, String body, String scopes, Map<String, String> headers)
            throws Exception {
        return send(method, path, body, scopes, headers, "");
    }

    private JsonNode send(
            String method, String path, String body, String scopes, Map<String, String> headers, String query)
            throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("rawPath", path);
        event.put("rawQueryString", query);
        ObjectNode context = event.putObject("requestContext");
        context.putObject("http").put("method", method);
        if (scopes != null) {
            ObjectNode claims = context.putObject("authorizer").putObject("jwt").putObject("claims");
            claims.put("sub", "operator-1");
            claims.put("scope", scopes);
        }
        ObjectNode h = event.putObject("headers");
        h.put("host", "api.example");
        headers.forEach(h::put);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, new TestContext());
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
