package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.emulators.eventbridge.EventBusStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * sluice end to end, as a client sees it: HTTP API, real handlers, SQS/S3/DynamoDB stand-ins, MiniLM, Lucene and the
 * provider simulator, all started once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalSluiceIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String FALLBACK_MODEL = "claude-haiku-4-5";
    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("sluice-it");
        // A five-second visibility timeout (longer than one delivery with its in-process retries), so failed
        // deliveries come back quickly.
        local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ofMillis(50), 0, Duration.ofSeconds(5), 5, 10));
        api = new ApiClient(local.api(), "it-tenant");
        ApiClient.Reply ingest = api.post("/v1/documents", DemoRun.corpus("docs"));
        assertThat(ingest.status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static String submit(String pipeline, String question) {
        ApiClient.Reply reply =
                api.post("/v1/jobs", Map.of("pipeline", pipeline, "input", Map.of("question", question)));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return reply.body().path("jobId").asText();
    }

    private static JsonNode awaitEnd(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = api.get("/v1/jobs/" + id).body();
        while (System.nanoTime() < deadline) {
            job = api.get("/v1/jobs/" + id).body();
            if (job.path("status").asText().matches("SUCCEEDED|FAILED")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not end in " + timeout + "; last seen " + job);
    }

    @Test
    @Order(1)
    void aRagJobAnswersFromTheIngestedDocuments() throws Exception {
        String id = submit("rag", "Why does sluice defer throttled work instead of retrying it? " + UUID.randomUUID());
        JsonNode job = awaitEnd(id, Duration.ofMinutes(1));

        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").asText()).contains("[").containsIgnoringCase("deferred");
        JsonNode trace = api.awaitTrace(id, 1, Duration.ofSeconds(30));
        assertThat(trace.path("hops").get(0).path("retrieved").findValuesAsText("documentId"))
                .contains("rate-limits.md");
        assertThat(trace.path("hops").get(0).path("prompt").asText()).contains("Question: Why does sluice defer");
        assertThat(api.get("/v1/jobs/" + id).status()).isEqualTo(200);
        assertThat(new ApiClient(local.api(), "someone-else")
                        .get("/v1/jobs/" + id)
                        .status())
                .isEqualTo(404);
    }

    @Test
    @Order(2)
    void aThreeCallChainWithRetrievalBetweenCallsSucceeds() throws Exception {
        long before = local.simulator().calls(MODEL);
        String id = submit("research", "How does sluice keep within rate limits? " + UUID.randomUUID());
        JsonNode job = awaitEnd(id, Duration.ofMinutes(1));

        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("hops")).hasSize(3);
        assertThat(local.simulator().calls(MODEL) - before).isEqualTo(3);
        assertThat(job.path("costUsd").asText()).isNotEqualTo("0");
    }

    @Test
    @Order(3)
    void aBatchOfFiftyEndsWithFiftySucceeded() throws Exception {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add(Map.of("question", "What does the finalizer do? variant " + i + " " + UUID.randomUUID()));
        }
        ApiClient.Reply batch = api.post("/v1/batches", Map.of("pipeline", "rag", "items", items));
        assertThat(batch.status()).isEqualTo(202);
        String batchId = batch.body().path("batchId").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode state = api.get("/v1/batches/" + batchId).body();
        while (!state.path("done").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            state = api.get("/v1/batches/" + batchId).body();
        }
        assertThat(state.path("succeeded").asInt()).as(state.toString()).isEqualTo(50);
        assertThat(state.path("failed").asInt()).isZero();
    }

    @Test
    @Order(4)
    void sustainedThrottlingDefersTheHopAndNeverDeadLettersIt() throws Exception {
        local.simulator().throttleNext(MODEL, Duration.ofSeconds(1), 3);
        long before = local.simulator().calls(MODEL);
        String id = submit("rag", "How are large payloads carried? " + UUID.randomUUID());
        JsonNode job = awaitEnd(id, Duration.ofMinutes(1));

        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(local.simulator().calls(MODEL) - before).isEqualTo(4);
        assertThat(local.depth(local.deadLetterQueueUrl(QueueRole.WORK))).isZero();
    }

    @Test
    @Order(5)
    void malformedRequestsGetA4xxNamingTheProblem() {
        ApiClient.Reply unknown = api.post("/v1/jobs", Map.of("pipeline", "nope", "input", Map.of("question", "x")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("message").asText()).contains("unknown pipeline 'nope'");
        ApiClient.Reply missing = api.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of()));
        assertThat(missing.body().path("field").asText()).isEqualTo("input.question");
        ApiClient.Reply tooBig =
                api.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of("question", "x".repeat(200_000))));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(api.get("/v1/jobs/job_doesnotexist").status()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void aProvidersRefusalTellsTheTenantTheStepAndTheKindAndOnlyTheOperatorWhatTheProviderSaid() throws Exception {
        String providerSaid = "request rejected by internal-host-10.0.0.7 key sk-live-123";
        local.simulator().failNext(MODEL, 400, providerSaid, 1);
        local.simulator().failNext(FALLBACK_MODEL, 400, providerSaid, 1);
        String id = submit("rag", "Will the provider refuse me? " + UUID.randomUUID());
        JsonNode job = awaitEnd(id, Duration.ofMinutes(1));

        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("failureReason").asText())
                .isEqualTo("step 'answer': no model could answer: the provider of model 'fast' refused the request"
                        + " (HTTP 400, invalid request); the provider of model 'steady' refused the request"
                        + " (HTTP 400, invalid request)");
        List<String> leaks = List.of("internal-host", "10.0.0.7", "sk-live-123", "Exception", "http://", "127.0.0.1");
        assertThat(job.toString()).as("the job view").doesNotContain(leaks);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> failedEvents = List.of();
        while (failedEvents.isEmpty() && System.nanoTime() < deadline) {
            failedEvents = local.bus().events().stream()
                    .filter(e -> e.detailType().equals("job.failed"))
                    .map(EventBusStandIn.Event::detail)
                    .filter(d -> d.path("jobId").asText().equals(id))
                    .toList();
            Thread.sleep(50);
        }
        assertThat(failedEvents).as("the job.failed event").isNotEmpty().allSatisfy(detail -> {
            assertThat(detail.path("failureReason").asText())
                    .isEqualTo(job.path("failureReason").asText());
            assertThat(detail.toString()).doesNotContain(leaks);
        });

        JsonNode trace = api.awaitTrace(id, 1, Duration.ofSeconds(10));
        assertThat(trace.path("hops").get(0).path("errors").get(0).asText())
                .as("the operator's trace")
                .contains("model 'fast'", "answered 400", "sk-live-123", "internal-host-10.0.0.7")
                .contains("model 'steady'");
    }

    @Test
    @Order(7)
    void tenantsShareNothingTheyDidNotChooseToShareDocumentsJobsOrAnswers() throws Exception {
        ApiClient other = new ApiClient(local.api(), "other-tenant");
        String fact = "Project Zephyr's launch code is 7781-QX-" + UUID.randomUUID();
        ApiClient.Reply ingest = other.post(
                "/v1/documents",
                Map.of(
                        "index",
                        "docs",
                        "documents",
                        List.of(Map.of("id", "zephyr.md", "contentType", "text/markdown", "text", fact))));
        assertThat(ingest.status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(1));

        String question = "What is Project Zephyr's launch code? " + UUID.randomUUID();
        String mine = submit("rag", question);
        JsonNode myJob = awaitEnd(mine, Duration.ofMinutes(1));
        ApiClient.Reply theirs =
                other.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of("question", question)));
        String theirId = theirs.body().path("jobId").asText();
        JsonNode theirJob = awaitJob(other, theirId);

        assertThat(myJob.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(myJob.toString()).as("my job, answered from my documents").doesNotContain("7781-QX");
        assertThat(api.awaitTrace(mine, 1, Duration.ofSeconds(30))
                        .path("hops")
                        .get(0)
                        .path("retrieved")
                        .findValuesAsText("documentId"))
                .as("what my hop retrieved")
                .doesNotContain("zephyr.md");
        assertThat(theirJob.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(api.awaitTrace(theirId, 1, Duration.ofSeconds(30))
                        .path("hops")
                        .get(0)
                        .path("retrieved")
                        .findValuesAsText("documentId"))
                .as("what their hop retrieved")
                .contains("zephyr.md");

        String research = "How does sluice keep a tenant's answers to itself? " + UUID.randomUUID();
        assertThat(awaitEnd(submit("research", research), Duration.ofMinutes(1))
                        .path("status")
                        .asText())
                .isEqualTo("SUCCEEDED");
        long afterMine = local.simulator().calls(MODEL);
        assertThat(awaitEnd(submit("research", research), Duration.ofMinutes(1))
                        .path("status")
                        .asText())
                .isEqualTo("SUCCEEDED");
        assertThat(local.simulator().calls(MODEL) - afterMine)
                .as("my own question again: all three calls answered from my cache")
                .isZero();
        String theirResearch = other.post(
                        "/v1/jobs", Map.of("pipeline", "research", "input", Map.of("question", research)))
                .body()
                .path("jobId")
                .asText();
        assertThat(awaitJob(other, theirResearch).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(local.simulator().calls(MODEL) - afterMine)
                .as("the same question from another tenant: every call made again, none from my cache")
                .isEqualTo(3);
        assertThat(other.get("/v1/jobs/" + mine).status())
                .as("my job, read by them")
                .isEqualTo(404);
        assertThat(other.post("/v1/jobs/" + mine + "/retry", Map.of()).status())
                .as("my job, retried by them")
                .isEqualTo(404);
    }

    private static JsonNode awaitJob(ApiClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JsonNode job = client.get("/v1/jobs/" + id).body();
        while (!job.path("status").asText().matches("SUCCEEDED|FAILED") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            job = client.get("/v1/jobs/" + id).body();
        }
        return job;
    }

    /** Last: it opens both models' circuit breakers for a while. */
    @Test
    @Order(99)
    void aHopThatFailsOnEveryAttemptFailsTheJobWithItsReasonAndARetryAfterTheFixFinishesIt() throws Exception {
        local.simulator().failNext(MODEL, 503, 1_000);
        local.simulator().failNext(FALLBACK_MODEL, 503, 1_000);
        String id = submit("rag", "Will this ever work? " + UUID.randomUUID());
        JsonNode job = awaitEnd(id, Duration.ofMinutes(3));

        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        // Attempts are counted on the job and retried by delayed re-sends: no receive was used up, nothing
        // dead-lettered; the reason is on the job.
        assertThat(job.path("failureReason").asText()).contains("503").contains("gave up after 4 attempts");
        assertThat(local.depth(local.deadLetterQueueUrl(QueueRole.WORK))).isZero();

        local.simulator().reset();
        long callsBefore = local.simulator().totalCalls();
        ApiClient.Reply retried = api.post("/v1/jobs/" + id + "/retry", Map.of());
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body().path("outcome").asText()).isEqualTo("reopened");
        JsonNode done = awaitEnd(id, Duration.ofMinutes(1));
        assertThat(done.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(local.simulator().totalCalls() - callsBefore).isEqualTo(1);
    }

    @Test
    @Order(100)
    void redriveTriesADeadLetteredJobAgainAndSaysWhatItDid() throws Exception {
        local.simulator().failNext(MODEL, 400, 1);
        local.simulator().failNext(FALLBACK_MODEL, 400, 1);
        String id = submit("rag", "Will a redrive finish me? " + UUID.randomUUID());
        JsonNode failed = awaitEnd(id, Duration.ofMinutes(1));
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        // The dead letter a hop leaves when every one of its deliveries died (a crash, a timeout).
        Envelope deadLetter = new Envelope(
                new JobId(id),
                new TenantId("it-tenant"),
                new CorrelationId("redrive-it"),
                "ask",
                0,
                1,
                Optional.empty());
        local.sqs()
                .sendMessage(r ->
                        r.queueUrl(local.deadLetterQueueUrl(QueueRole.WORK)).messageBody(DomainJson.write(deadLetter)));

        List<String> report = Redriver.redrive(
                local.sqsEndpoint(),
                List.of(new DeadLetterQueues.Route(
                        "work", local.deadLetterQueueUrl(QueueRole.WORK), local.queueUrl(QueueRole.WORK))),
                e -> new ApiClient(local.api(), e.tenant().value())
                        .post("/v1/jobs/" + e.jobId().value() + "/retry", Map.of()));

        assertThat(report).singleElement().asString().contains(id).contains("reopened, running hop 0 again");
        assertThat(awaitEnd(id, Duration.ofMinutes(1)).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(local.depth(local.deadLetterQueueUrl(QueueRole.WORK))).isZero();
    }

    @Test
    @Order(110)
    void aBatchFromAFileIsSubmittedAndFollowedUntilItEnds() throws Exception {
        Path file = Files.createTempFile("batch", ".jsonl");
        Files.writeString(
                file,
                "{\"question\":\"What is a hop?\"}\n{\"question\":\"What is a lease?\"}\n"
                        + "{\"question\":\"What is a sluice?\"}\n");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = BatchSubmit.run(
                api,
                "rag",
                file,
                Optional.empty(),
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out)
                .contains(": 3 job(s) submitted")
                .contains("3/3 (100%)")
                .contains("ended: 3 succeeded, 0 failed");
    }
}
