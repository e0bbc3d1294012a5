package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/** The HTTP API through the real handler, with the domain on in-memory fakes: what a client sees. */
class DispatcherHandlerTest {
    private final SluiceConfig config = ConfigSource.bundled();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(Clock.systemUTC());
    private final InMemoryWorkQueue ingest = new InMemoryWorkQueue(Clock.systemUTC());
    private final DispatcherHandler handler = new DispatcherHandler(
            new HttpApi(
                    new SubmitJobService(config, jobs, work, Clock.systemUTC()),
                    new SubmitBatchService(config, jobs, work, Clock.systemUTC()),
                    new QueryJobService(jobs, new InMemoryTraceStore()),
                    new QueryUsageService(config, new InMemorySpendLedger(), Clock.systemUTC()),
                    new IngestDocumentsService(config, new HashingEmbedder(384), new InMemoryVectorStore(), ingest),
                    new RetryJobService(jobs, work, work, Clock.systemUTC())),
            new SubmitJobService(config, jobs, work, Clock.systemUTC()),
            MetricsBuilder.builder()
                    .withNamespace("SluiceTest")
                    .withService("dispatcher")
                    .build(),
            new Callers(
                    "sub",
                    Map.of("OrdersService", "acme"),
                    java.util.Set.of("SluiceOperator"),
                    Map.of("orders.app", "acme"),
                    true));

    private JsonNode call(String method, String path, String body, Map<String, String> headers) throws Exception {
        ObjectNode event = TestDispatcher.httpEvent(method, path, body, false, headers);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, new TestContext());
        JsonNode response = Json.MAPPER.readTree(out.toByteArray());
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("status", response.get("statusCode").asInt());
        result.set("headers", response.get("headers"));
        result.set("body", Json.MAPPER.readTree(response.get("body").asText()));
        return result;
    }

    private JsonNode post(String path, String body) throws Exception {
        return call("POST", path, body, Map.of("x-tenant-id", "acme", "content-type", "application/json"));
    }

    @Test
    void aJobIsAcceptedWith202AndCanBeReadBackByItsTenantOnly() throws Exception {
        JsonNode accepted = call(
                "POST",
                "/v1/jobs",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}",
                Map.of("x-tenant-id", "acme", "x-correlation-id", "corr-77"));
        assertThat(accepted.get("status").asInt()).isEqualTo(202);
        assertThat(accepted.at("/headers/X-Correlation-Id").asText()).isEqualTo("corr-77");
        String id = accepted.at("/body/jobId").asText();
        assertThat(work.size()).isEqualTo(1);

        JsonNode mine = call("GET", "/v1/jobs/" + id, null, Map.of("x-tenant-id", "acme"));
        assertThat(mine.get("status").asInt()).isEqualTo(200);
        assertThat(mine.at("/body/status").asText()).isEqualTo("QUEUED");
        assertThat(mine.at("/body/correlationId").asText()).isEqualTo("corr-77");

        JsonNode theirs = call("GET", "/v1/jobs/" + id, null, Map.of("x-tenant-id", "globex"));
        assertThat(theirs.get("status").asInt()).isEqualTo(404);
    }

    @Test
    void aFailedJobIsRetriedByItsTenantAndNobodyElse() throws Exception {
        JsonNode accepted = call(
                "POST",
                "/v1/jobs",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}",
                Map.of("x-tenant-id", "acme"));
        JobId id = new JobId(accepted.at("/body/jobId").asText());
        work.receiveVisible();
        jobs.fail(id, "provider refused: content filtered", java.time.Instant.now());

        JsonNode stranger = call("POST", "/v1/jobs/" + id.value() + "/retry", "", Map.of("x-tenant-id", "other"));
        assertThat(stranger.get("status").asInt()).isEqualTo(404);
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);

        JsonNode retried = call("POST", "/v1/jobs/" + id.value() + "/retry", "", Map.of("x-tenant-id", "acme"));
        assertThat(retried.get("status").asInt()).isEqualTo(200);
        assertThat(retried.at("/body/outcome").asText()).isEqualTo("reopened");
        assertThat(retried.at("/body/message").asText()).contains("content filtered");
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(work.size()).as("its hop is queued again").isEqualTo(1);
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameJobAndADifferentInputIsAConflict() throws Exception {
        Map<String, String> headers = Map.of("x-tenant-id", "acme", "idempotency-key", "order-1");
        JsonNode first = call("POST", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"}}", headers);
        JsonNode again = call("POST", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"}}", headers);
        JsonNode other = call("POST", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"b\"}}", headers);
        assertThat(again.get("status").asInt()).isEqualTo(200);
        assertThat(again.at("/body/jobId").asText())
                .isEqualTo(first.at("/body/jobId").asText());
        assertThat(other.get("status").asInt()).isEqualTo(409);
        assertThat(other.at("/body/error").asText()).isEqualTo("idempotency_conflict");
    }

    @Test
    void malformedRequestsGetA4xxThatSaysWhatIsWrong() throws Exception {
        JsonNode notJson = post("/v1/jobs", "{nope");
        assertThat(notJson.get("status").asInt()).isEqualTo(400);
        assertThat(notJson.at("/body/field").asText()).isEqualTo("body");
        assertThat(notJson.at("/body/message").asText()).contains("not valid JSON");

        JsonNode unknown = post("/v1/jobs", "{\"pipeline\":\"ragg\",\"input\":{\"question\":\"x\"}}");
        assertThat(unknown.get("status").asInt()).isEqualTo(400);
        assertThat(unknown.at("/body/message").asText())
                .contains("unknown pipeline 'ragg'")
                .contains("rag");

        JsonNode missing = post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{}}");
        assertThat(missing.at("/body/field").asText()).isEqualTo("input.question");

        JsonNode nested = post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":{\"a\":1}}}");
        assertThat(nested.get("status").asInt()).isEqualTo(400);
        assertThat(nested.at("/body/field").asText()).isEqualTo("input.question");

        JsonNode huge =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"" + "x".repeat(300_000) + "\"}}");
        assertThat(huge.get("status").asInt()).isEqualTo(413);

        JsonNode route = call("DELETE", "/v1/jobs", null, Map.of("x-tenant-id", "acme"));
        assertThat(route.get("status").asInt()).isEqualTo(405);
        JsonNode nowhere = call("GET", "/v2/anything", null, Map.of("x-tenant-id", "acme"));
        assertThat(nowhere.get("status").asInt()).isEqualTo(404);
        assertThat(work.size()).isZero();
    }

    @Test
    void aCallerWithoutIdentityIsRefused() throws Exception {
        JsonNode anonymous =
                call("POST", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"x\"}}", Map.of());
        assertThat(anonymous.get("status").asInt()).isEqualTo(401);
    }

    @Test
    void aBatchCreatesOneJobPerItem() throws Exception {
        JsonNode batch = post(
                "/v1/batches",
                "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"},{\"question\":\"c\"}]}");
        assertThat(batch.get("status").asInt()).isEqualTo(202);
        assertThat(batch.at("/body/total").asInt()).isEqualTo(3);
        assertThat(work.size()).isEqualTo(3);
        JsonNode read =
                call("GET", "/v1/batches/" + batch.at("/body/batchId").asText(), null, Map.of("x-tenant-id", "acme"));
        assertThat(read.at("/body/done").asBoolean()).isFalse();
    }

    @Test
    void aJobIsInteractiveAndABatchIsBatchWorkUnlessTheCallerSaysOtherwise() throws Exception {
        JsonNode job = post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"}}");
        assertThat(read(job.at("/body/jobId").asText()).at("/body/priority").asText())
                .isEqualTo("interactive");
        JsonNode background =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"b\"},\"priority\":\"batch\"}");
        assertThat(read(background.at("/body/jobId").asText())
                        .at("/body/priority")
                        .asText())
                .isEqualTo("batch");
        JsonNode batch = post("/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"c\"}]}");
        assertThat(read(batch.at("/body/jobIds/0").asText())
                        .at("/body/priority")
                        .asText())
                .isEqualTo("batch");
        JsonNode urgent = post(
                "/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"d\"}],\"priority\":\"interactive\"}");
        assertThat(read(urgent.at("/body/jobIds/0").asText())
                        .at("/body/priority")
                        .asText())
                .isEqualTo("interactive");
    }

    @Test
    void anUnknownPriorityIsRefusedAndRecordsNothing() throws Exception {
        JsonNode refused =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"},\"priority\":\"urgent\"}");
        assertThat(refused.get("status").asInt()).isEqualTo(400);
        assertThat(refused.at("/body/field").asText()).isEqualTo("priority");
        assertThat(refused.at("/body/message").asText())
                .contains("interactive")
                .contains("batch")
                .contains("urgent");
        JsonNode number = post("/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"}],\"priority\":1}");
        assertThat(number.get("status").asInt()).isEqualTo(400);
        assertThat(work.size()).isZero();
    }

    @Test
    void aJobOrABatchMayAskForTheBatchRouteAndAnUnknownModeIsRefused() throws Exception {
        JsonNode live = post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"live\"}}");
        assertThat(read(live.at("/body/jobId").asText()).at("/body").has("mode"))
                .isFalse();
        JsonNode waits =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"later\"},\"mode\":\"batch\"}");
        assertThat(read(waits.at("/body/jobId").asText()).at("/body/mode").asText())
                .isEqualTo("batch");
        JsonNode batch =
                post("/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"c\"}],\"mode\":\"batch\"}");
        assertThat(read(batch.at("/body/jobIds/0").asText()).at("/body/mode").asText())
                .isEqualTo("batch");
        int queued = work.size();

        JsonNode refused =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"},\"mode\":\"overnight\"}");
        assertThat(refused.get("status").asInt()).isEqualTo(400);
        assertThat(refused.at("/body/field").asText()).isEqualTo("mode");
        assertThat(refused.at("/body/message").asText())
                .contains("live")
                .contains("batch")
                .contains("overnight");
        JsonNode number = post("/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"}],\"mode\":2}");
        assertThat(number.get("status").asInt()).isEqualTo(400);
        assertThat(work.size()).isEqualTo(queued);
    }

    @Test
    void aJobMayGiveItsDeadlineAndOneThatIsNotAFutureTimeIsRefused() throws Exception {
        String soon = java.time.Instant.now()
                .plus(java.time.Duration.ofHours(30))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        JsonNode given = post(
                "/v1/jobs",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"by then\"},\"deadline\":\"" + soon + "\"}");
        assertThat(given.get("status").asInt()).as(given.toString()).isEqualTo(202);
        assertThat(read(given.at("/body/jobId").asText()).at("/body/deadline").asText())
                .isEqualTo(soon);
        JsonNode offset = post(
                "/v1/batches",
                "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"c\"}],\"deadline\":\""
                        + java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(2))
                                .plusDays(2)
                                .toString() + "\"}");
        assertThat(offset.get("status").asInt()).as(offset.toString()).isEqualTo(202);
        assertThat(read(live()).at("/body").has("deadline")).isFalse();
        int queued = work.size();

        for (String bad : List.of(
                "\"tomorrow\"",
                "12345",
                "\"2026-12-08T09:00:00\"",
                "\"2020-01-01T00:00:00Z\"",
                "\"" + java.time.Instant.now().plus(java.time.Duration.ofDays(30)) + "\"",
                "\"" + "9".repeat(5000) + "\"")) {
            JsonNode refused =
                    post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"},\"deadline\":" + bad + "}");
            assertThat(refused.get("status").asInt())
                    .as(bad.length() > 80 ? "a long one" : bad)
                    .isEqualTo(400);
            assertThat(refused.at("/body/field").asText()).isEqualTo("deadline");
            assertThat(refused.at("/body/message").asText()).hasSizeLessThan(600);
        }
        JsonNode past = post(
                "/v1/jobs",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a\"},\"deadline\":\"2020-01-01T00:00:00Z\"}");
        assertThat(past.at("/body/message").asText()).contains("has passed");
        assertThat(work.size()).isEqualTo(queued);
    }

    private String live() throws Exception {
        return post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"no deadline\"}}")
                .at("/body/jobId")
                .asText();
    }

    private JsonNode read(String jobId) throws Exception {
        return call("GET", "/v1/jobs/" + jobId, null, Map.of("x-tenant-id", "acme"));
    }

    @Test
    void documentsAreValidatedThenQueuedForTheIngestor() throws Exception {
        JsonNode ok =
                post("/v1/documents", "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"Hello world.\"}]}");
        assertThat(ok.get("status").asInt()).isEqualTo(202);
        assertThat(ingest.size()).isEqualTo(1);
        JsonNode pdf = post(
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d2\",\"contentType\":\"application/pdf\",\"text\":\"%PDF\"}]}");
        assertThat(pdf.get("status").asInt()).isEqualTo(400);
        assertThat(pdf.at("/body/field").asText()).isEqualTo("documents[0].contentType");
    }

    @Test
    void anEventBridgeJobRequestSubmitsAJob() throws Exception {
        String event =
                "{\"id\":\"e1\",\"detail-type\":\"job.requested\",\"source\":\"acme.app\",\"detail\":{\"tenant\":\"acme\","
                        + "\"pipeline\":\"rag\",\"input\":{\"question\":\"from events\"},\"correlationId\":\"evt-1\"}}";
        handler.handleRequest(
                new ByteArrayInputStream(event.getBytes()), new ByteArrayOutputStream(), new TestContext());
        assertThat(work.size()).isEqualTo(1);
        assertThat(jobs.all().values()).singleElement().satisfies(j -> {
            assertThat(j.correlationId().value()).isEqualTo("evt-1");
            assertThat(j.mode()).isEqualTo(dev.sluice.domain.model.Mode.LIVE);
        });
    }

    @Test
    void anEventBridgeJobRequestMayAskForTheBatchRoute() throws Exception {
        String event =
                "{\"id\":\"e2\",\"detail-type\":\"job.requested\",\"source\":\"acme.app\",\"detail\":{\"tenant\":\"acme\","
                        + "\"pipeline\":\"rag\",\"input\":{\"question\":\"tonight\"},\"mode\":\"batch\"}}";
        handler.handleRequest(
                new ByteArrayInputStream(event.getBytes()), new ByteArrayOutputStream(), new TestContext());
        assertThat(jobs.all().values())
                .singleElement()
                .satisfies(j -> assertThat(j.mode()).isEqualTo(dev.sluice.domain.model.Mode.BATCH));
    }
}
