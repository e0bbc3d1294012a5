package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.adapter.aws.sqs.SqsWorkQueue;
import dev.sluice.adapter.aws.sqs.SqsWorkQueueSettings;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code ./sluice up} offers out of the box, through the real handlers: every bundled pipeline against the bundled
 * simulator, retrieval from an index nothing was ingested into yet, and ingestion that one bad request cannot stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class BundledPipelinesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The model of the bundled configuration's {@code fast} alias, which the {@code classify} pipeline uses. */
    private static final String FAST_MODEL = "gpt-4o-mini";

    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("sluice-bundled-it");
        local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ofMillis(50), 0, Duration.ofSeconds(5), 5, 10));
        api = new ApiClient(local.api(), "bundled-tenant");
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static String submit(ApiClient as, String pipeline, Map<String, String> input) {
        ApiClient.Reply reply = as.post("/v1/jobs", Map.of("pipeline", pipeline, "input", input));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return reply.body().path("jobId").asText();
    }

    private static JsonNode awaitEnd(ApiClient as, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JsonNode job = as.get("/v1/jobs/" + id).body();
        while (System.nanoTime() < deadline) {
            job = as.get("/v1/jobs/" + id).body();
            if (job.path("status").asText().matches("SUCCEEDED|FAILED")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not end in a minute; last seen " + job);
    }

    private static Map<String, String> inputsOf(Pipeline pipeline) {
        Map<String, String> input = new LinkedHashMap<>();
        for (String name : pipeline.inputs()) {
            input.put(name, "How does sluice keep within the providers' rate limits? " + UUID.randomUUID());
        }
        return input;
    }

    /** Refused ingest messages waiting (invisible for the ingest queue's 15 minutes) for their next delivery. */
    private static int refusedInFlight;

    /** Until the ingestor took {@code records} records and finished all but the refused ones. */
    private static void awaitIngested(long records) throws InterruptedException {
        EventSourceMapping ingestor = local.poller("ingestor").orElseThrow();
        String queue = local.queueUrl(QueueRole.INGEST);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (ingestor.records() < records || local.depth(queue) > refusedInFlight) {
            assertThat(System.nanoTime())
                    .as("ingestor handled %d records", records)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void ragBeforeAnyIngestionAnswersFromAnEmptyIndex() throws Exception {
        String id = submit(api, "rag", Map.of("question", "What is sluice? " + UUID.randomUUID()));
        JsonNode job = awaitEnd(api, id);

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").asText()).isNotBlank();
        JsonNode trace = api.awaitTrace(id, 1, java.time.Duration.ofSeconds(30));
        assertThat(trace.path("hops").get(0).path("retrieved")).isEmpty();
    }

    @Test
    @Order(2)
    void classifyAnswersJsonWithTheRequiredFields() throws Exception {
        String id = submit(api, "classify", Map.of("text", "My invoice total is wrong, please refund the difference."));
        JsonNode job = awaitEnd(api, id);

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = JSON.readTree(job.path("result").asText());
        assertThat(result.path("label").asText()).isNotBlank();
        assertThat(result.path("confidence").isNumber()).isTrue();
    }

    @Test
    @Order(3)
    void aRequestTheIndexCannotTakeFailsAloneAndTheNextTenantsDocumentIsSearchable() throws Exception {
        ApiClient poisoner = new ApiClient(local.api(), "tenant-poison");
        ApiClient clean = new ApiClient(local.api(), "tenant-clean");
        EventSourceMapping ingestor = local.poller("ingestor").orElseThrow();
        long before = ingestor.records();

        String huge = "a".repeat(70_000);
        ApiClient.Reply accepted = poisoner.post("/v1/documents", Map.of("index", "docs", "delete", List.of(huge)));
        if (accepted.status() != 202) {
            // The door may refuse such ids; the ingestor must survive the message regardless of who let it in.
            assertThat(accepted.status()).isBetween(400, 499);
            new SqsWorkQueue(
                            local.sqs(),
                            new InMemoryBlobStore(),
                            SqsWorkQueueSettings.of(local.queueUrl(QueueRole.INGEST)))
                    .send(new IngestRequest(
                            new TenantId("tenant-poison"),
                            new CorrelationId("poison"),
                            "docs",
                            List.of(),
                            List.of(huge)));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (ingestor.failures() == 0) {
            assertThat(System.nanoTime()).as("the ingestor refused the request").isLessThan(deadline);
            Thread.sleep(100);
        }
        refusedInFlight = 1;

        String text = "Kestrel wharves close at dusk on Tuesdays; the harbour master keeps the keys.";
        ApiClient.Reply ingest = clean.post(
                "/v1/documents",
                Map.of(
                        "index",
                        "docs",
                        "documents",
                        List.of(Map.of("id", "harbour.md", "contentType", "text/markdown", "text", text))));
        assertThat(ingest.status()).isEqualTo(202);
        awaitIngested(before + 2);

        String id = submit(clean, "rag", Map.of("question", "When do the kestrel wharves close?"));
        JsonNode job = awaitEnd(clean, id);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode trace = clean.awaitTrace(id, 1, java.time.Duration.ofSeconds(30));
        assertThat(trace.path("hops").get(0).path("retrieved").findValuesAsText("documentId"))
                .containsExactly("harbour.md");
        assertThat(job.path("result").asText()).containsIgnoringCase("dusk");
    }

    @Test
    @Order(4)
    void everyBundledPipelineSucceedsAgainstTheBundledSimulator() throws Exception {
        long before = local.poller("ingestor").orElseThrow().records();
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        awaitIngested(before + 1);

        SluiceConfig bundled = ConfigSource.bundled();
        assertThat(bundled.pipelines()).containsKeys("rag", "research", "classify");
        Map<String, String> jobs = new LinkedHashMap<>();
        bundled.pipelines().values().forEach(p -> jobs.put(p.name(), submit(api, p.name(), inputsOf(p))));
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            JsonNode ended = awaitEnd(api, job.getValue());
            assertThat(ended.path("status").asText())
                    .as(job.getKey() + ": " + ended)
                    .isEqualTo("SUCCEEDED");
        }
    }

    @Test
    @Order(5)
    void aClassifyAnswerFiveThousandDeepOrNotValidJsonFailsItsJobWithAReasonAndNothingStaysRunning() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("[".repeat(5_000), "the answer nests deeper than 500 levels");
        reasons.put(
                "{\"label\": \"\\u+041\", \"confidence\": 0.9}",
                "the answer is not valid JSON: invalid escape sequence at line 1, column 14");
        for (Map.Entry<String, String> answer : reasons.entrySet()) {
            local.simulator().answerNext(FAST_MODEL, answer.getKey(), 1);
            String id = submit(api, "classify", Map.of("text", "Please classify this ticket. " + UUID.randomUUID()));
            JsonNode job = awaitEnd(api, id);

            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("FAILED");
            assertThat(job.path("failureReason").asText()).isEqualTo(answer.getValue());
            assertThat(job.path("hops"))
                    .as("the model was called once and its answer kept")
                    .hasSize(1);
        }
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofSeconds(30));
        for (QueueRole role : List.of(QueueRole.WORK, QueueRole.FINALIZE)) {
            assertThat(local.depth(local.deadLetterQueueUrl(role)))
                    .as("%s dead letters", role)
                    .isZero();
        }
    }
}
