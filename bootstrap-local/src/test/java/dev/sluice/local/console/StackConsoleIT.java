package dev.sluice.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.dispatcher.DispatcherHandler;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.local.ApiClient;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.bench.coldstart.FunctionContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console as a stack serves it: the dispatcher function itself, built as Lambda builds it, answering API Gateway
 * (v2) events that carry a JWT authorizer's claims, with the stack's own clients to the stand-ins (the newest jobs
 * from the jobs table's index, dead letters from each queue's {@code -dlq}, a redrive through the retry use case).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class StackConsoleIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String FALLBACK_MODEL = "claude-haiku-4-5";
    private static LocalSluice local;
    private static DispatcherHandler dispatcher;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-stack-console"),
                0,
                Duration.ofMillis(50),
                0,
                Duration.ofSeconds(5),
                5,
                10));
        // The runtime's environment is this JVM's: the handler reads it as a function reads its own.
        dispatcher = new DispatcherHandler();
        api = new ApiClient(local.api(), "stack-tenant");
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void anOperatorSeesTheNewestJobsAndAJobsPageWhileATenantCallerIsRefused() throws Exception {
        String id = submit("Why is the sky blue? " + UUID.randomUUID());
        awaitEnd(id);

        JsonNode jobs = get("/", "sluice/operator");
        assertThat(jobs.path("statusCode").asInt()).isEqualTo(200);
        assertThat(jobs.path("headers").path("Content-Type").asText()).isEqualTo("text/html; charset=utf-8");
        assertThat(jobs.path("headers").path("Content-Security-Policy").asText())
                .contains("script-src 'self'");
        assertThat(jobs.path("body").asText())
                .contains("href=\"/jobs/" + id + "\"")
                .contains("stack-tenant");

        JsonNode page = get("/jobs/" + id, "sluice/operator");
        assertThat(page.path("statusCode").asInt()).isEqualTo(200);
        assertThat(page.path("body").asText()).contains("SUCCEEDED").contains("this stack does not export spans");
        assertThat(get("/static/console.js", "sluice/operator")
                        .path("headers")
                        .path("Content-Type")
                        .asText())
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/pipelines", "sluice/operator").path("body").asText()).contains("rag");
        assertThat(get("/charts", "sluice/operator").path("body").asText())
                .contains("work DLQ")
                .contains("Throttled metric");

        JsonNode refused = get("/", "sluice/jobs.read sluice/jobs.write");
        assertThat(refused.path("statusCode").asInt()).isEqualTo(403);
        assertThat(Json.MAPPER
                        .readTree(refused.path("body").asText())
                        .path("message")
                        .asText())
                .contains("sluice/operator");
    }

    @Test
    void aDeadLetteredFailedJobIsShownAndARedriveFromTheConsoleFinishesIt() throws Exception {
        local.simulator().failNext(MODEL, 400, 1);
        local.simulator().failNext(FALLBACK_MODEL, 400, 1);
        String id = submit("Will the stack's console finish me? " + UUID.randomUUID());
        assertThat(awaitEnd(id).path("status").asText()).isEqualTo("FAILED");
        Envelope deadLetter = new Envelope(
                new JobId(id),
                new TenantId("stack-tenant"),
                new CorrelationId("stack-console"),
                "ask",
                0,
                1,
                Optional.empty());
        local.sqs()
                .sendMessage(r ->
                        r.queueUrl(local.deadLetterQueueUrl(QueueRole.WORK)).messageBody(DomainJson.write(deadLetter)));

        JsonNode shown = get("/dead-letters", "sluice/operator");
        assertThat(shown.path("body").asText()).contains(id);
        // A form on another site cannot redrive; the console's own page (same origin) can.
        assertThat(send("POST", "/dead-letters/redrive", "sluice/operator", Map.of("origin", "https://evil.example"))
                        .path("statusCode")
                        .asInt())
                .isEqualTo(403);
        JsonNode redriven =
                send("POST", "/dead-letters/redrive", "sluice/operator", Map.of("origin", "https://api.example"));

        assertThat(redriven.path("statusCode").asInt()).isEqualTo(200);
        assertThat(redriven.path("body").asText()).contains(id).contains("reopened");
        assertThat(awaitEnd(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(local.depth(local.deadLetterQueueUrl(QueueRole.WORK))).isZero();
    }

    @Test
    void aRedriveTakesAtMostItsShareAndSaysHowManyRemain() {
        String queue =
                local.sqs().createQueue(r -> r.queueName("redrive-share")).queueUrl();
        String dlq =
                local.sqs().createQueue(r -> r.queueName("redrive-share-dlq")).queueUrl();
        for (int i = 0; i < 25; i++) {
            int n = i;
            local.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("not a hop message " + n));
        }
        DeadLetterQueues queues =
                new DeadLetterQueues(local.sqs(), java.util.List.of(new DeadLetterQueues.Route("share", dlq, queue)));

        java.util.List<String> report =
                queues.redrive(e -> new DeadLetterQueues.Retried(true, "retried " + e.jobId()), 10);

        assertThat(report).hasSize(11);
        assertThat(report.subList(0, 10)).allMatch(line -> line.endsWith(": moved back to its queue"));
        assertThat(report.getLast())
                .isEqualTo("stopped after 10 dead letters; about 15 remain: redrive again for the next ones");
        assertThat(local.depth(queue)).isEqualTo(10);
        assertThat(local.depth(dlq)).isEqualTo(15);
    }

    private static String submit(String question) {
        ApiClient.Reply submitted =
                api.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of("question", question)));
        assertThat(submitted.status()).isEqualTo(202);
        return submitted.body().path("jobId").asText();
    }

    private static JsonNode awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode job = api.get("/v1/jobs/" + id).body();
            if (job.path("status").asText().matches("SUCCEEDED|FAILED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " ends").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static JsonNode get(String path, String scopes) throws Exception {
        return send("GET", path, scopes, Map.of());
    }

    /** An API Gateway (v2) event as a JWT authorizer passes it on: the operator's subject and scopes. */
    private static JsonNode send(String method, String path, String scopes, Map<String, String> headers)
            throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        int q = path.indexOf('?');
        event.put("rawPath", q < 0 ? path : path.substring(0, q));
        event.put("rawQueryString", q < 0 ? "" : path.substring(q + 1));
        ObjectNode context = event.putObject("requestContext");
        context.putObject("http").put("method", method);
        ObjectNode claims = context.putObject("authorizer").putObject("jwt").putObject("claims");
        claims.put("sub", "operator-1");
        claims.put("scope", scopes);
        ObjectNode h = event.putObject("headers");
        h.put("host", "api.example");
        headers.forEach(h::put);
        event.put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dispatcher.handleRequest(
                new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)),
                out,
                FunctionContext.local("dispatcher", 29_000));
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
