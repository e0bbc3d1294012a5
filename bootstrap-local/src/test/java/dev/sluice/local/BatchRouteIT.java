package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The batch route through the local runtime: 200 {@code digest} jobs (a summary by {@code fast} on OpenAI's Batch API,
 * checked by {@code steady} on Anthropic's Message Batches) submitted as one sluice batch end SUCCEEDED, each of their
 * 400 calls made once, through as many provider batches as windows, at the batch prices.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchRouteIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int JOBS = 200;
    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("sluice-batch-it");
        local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ofMillis(20), 0, Duration.ofSeconds(5), 10, 10));
        api = new ApiClient(local.api(), "batch-tenant");
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static JsonNode simulator(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(local.simulator().endpoint() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    @Order(1)
    void twoHundredJobsOverTwoModelsEndThroughOneBatchPerModelAndWindowAtBatchPrices() throws Exception {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            items.add(Map.of("text", "Report " + i + ": the quarterly numbers rose in every region but one."));
        }
        long started = System.nanoTime();
        ApiClient.Reply accepted = api.post("/v1/batches", Map.of("pipeline", "digest", "items", items));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        String batchId = accepted.body().path("batchId").asText();

        JsonNode batch = api.get("/v1/batches/" + batchId).body();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!batch.path("done").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            batch = api.get("/v1/batches/" + batchId).body();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(batch.path("succeeded").asInt()).as(batch.toString()).isEqualTo(JOBS);
        // Each call made once, by the provider's batch: the live endpoints answered nothing.
        assertThat(local.simulator().calls("gpt-4o-mini")).isEqualTo(JOBS);
        assertThat(local.simulator().calls("claude-haiku-4-5")).isEqualTo(JOBS);
        assertThat(local.simulator().chatOutcomes("gpt-4o-mini")).isEmpty();

        JsonNode openAi = simulator("/v1/batches").path("data");
        JsonNode anthropic = simulator("/v1/messages/batches").path("data");
        int openAiLines = 0;
        Set<String> submissions = new HashSet<>();
        for (JsonNode b : openAi) {
            openAiLines += b.path("request_counts").path("total").asInt();
            assertThat(submissions.add(
                            b.path("metadata").path("sluice_submission").asText()))
                    .as("one batch per window")
                    .isTrue();
        }
        int anthropicLines = 0;
        for (JsonNode b : anthropic) {
            JsonNode c = b.path("request_counts");
            anthropicLines += c.path("succeeded").asInt()
                    + c.path("errored").asInt()
                    + c.path("expired").asInt();
        }
        assertThat(openAiLines).isEqualTo(JOBS);
        assertThat(anthropicLines).isEqualTo(JOBS);
        // Windows are 10 s here: no more batches than windows passed while the jobs ran.
        long windows = took.toSeconds() / 10 + 2;
        assertThat((long) openAi.size()).isBetween(1L, windows);
        assertThat((long) anthropic.size()).isBetween(1L, windows);

        String jobId = batch.path("jobIds").path(0).asText();
        JsonNode job = api.get("/v1/jobs/" + jobId).body();
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode summary = job.path("hops").get(0);
        JsonNode check = job.path("hops").get(1);
        assertThat(summary.path("batched").asBoolean()).isTrue();
        assertThat(check.path("batched").asBoolean()).isTrue();
        assertThat(new BigDecimal(summary.path("costUsd").asText()))
                .as("fast at half its live $0.15 / $0.60")
                .isEqualByComparingTo(cost(summary, "0.075", "0.30"));
        assertThat(new BigDecimal(check.path("costUsd").asText()))
                .as("steady at half its live $1.00 / $5.00")
                .isEqualByComparingTo(cost(check, "0.50", "2.50"));
        System.out.printf(
                "batch route: %d jobs in %d s, %d OpenAI batches, %d Anthropic batches%n",
                JOBS, took.toSeconds(), openAi.size(), anthropic.size());
    }

    @Test
    @Order(2)
    void aLineTheProviderRefusedFailsItsJobWithTheReasonAndOneItFailedIsAskedLive() throws Exception {
        local.simulator().failNext("gpt-4o-mini", 400, 1);
        String refused = submit("Refused report: a line the provider's batch answers 400.");
        JsonNode failed = api.awaitEnd(refused, Duration.ofMinutes(2));
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("failureReason").asText())
                .contains("the provider of model 'fast' refused the request")
                .contains("400");

        local.simulator().failNext("gpt-4o-mini", 500, 1);
        String retried = submit("Retried report: a line the provider's batch answers 500.");
        JsonNode live = api.awaitEnd(retried, Duration.ofMinutes(2));
        assertThat(live.path("status").asText()).as(live.toString()).isEqualTo("SUCCEEDED");
        assertThat(live.path("hops").get(0).path("batched").asBoolean())
                .as("asked live")
                .isFalse();
        assertThat(live.path("hops").get(1).path("batched").asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void aBatchThatExpiresIsSentOnceMoreAndItsJobEnds() throws Exception {
        int before = simulator("/v1/batches").path("data").size();
        local.simulator().expireNextBatches(1);
        String id = submit("Expiring report: the provider's first batch for it expires.");
        JsonNode job = api.awaitEnd(id, Duration.ofMinutes(2));

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("hops").get(0).path("batched").asBoolean()).isTrue();
        JsonNode openAi = simulator("/v1/batches").path("data");
        assertThat(openAi.size() - before)
                .as("the expired batch, then its line once more")
                .isEqualTo(2);
        assertThat(openAi.findValuesAsText("status")).contains("expired");
    }

    private static String submit(String text) {
        ApiClient.Reply reply = api.post("/v1/jobs", Map.of("pipeline", "digest", "input", Map.of("text", text)));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return reply.body().path("jobId").asText();
    }

    private static BigDecimal cost(JsonNode hop, String input, String output) {
        JsonNode t = hop.path("tokens");
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        return new BigDecimal(input)
                .multiply(BigDecimal.valueOf(t.path("input").asLong()))
                .add(new BigDecimal(output)
                        .multiply(BigDecimal.valueOf(t.path("output").asLong())))
                .divide(million);
    }
}
