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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A configuration of the user's ({@code ./sluice up --config}) whose Bedrock model has a batch route: its calls go as
 * one Bedrock batch inference job per window, their records written to the bucket and the answers read back from it,
 * at the batch prices. A window too small for Bedrock (it takes at least 100 records) waits for the next one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BedrockBatchRouteIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final Duration EVERY = Duration.ofSeconds(30);
    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("sluice-bedrock-batch-it");
        Path config = home.resolve("sluice.yaml");
        Files.writeString(config, """
                models:
                  deep:
                    provider: bedrock
                    model: %s
                    temperature: 0.2
                    maxOutputTokens: 200
                    limits: { rpm: 1000, tpm: 2000000 }
                    prices: { input: 0.25, output: 1.25 }
                    batch: { every: %ds }
                    options: { baseUrl: "${SLUICE_BEDROCK_BASE_URL}", credentials: local }
                indexes:
                  docs: { dimension: 384, chunkSize: 800, chunkOverlap: 120 }
                pipelines:
                  digest:
                    mode: batch
                    inputs: [text]
                    steps:
                      - generate: summary
                        model: deep
                        system: Summarise the text in one sentence.
                        prompt: "{{input.text}}"
                """.formatted(MODEL, EVERY.toSeconds()));
        local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ofMillis(20), 0, Duration.ofSeconds(5), 10, 10)
                        .withConfig(config));
        api = new ApiClient(local.api(), "bedrock-batch-tenant");
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void aWindowOfBedrockCallsIsOneBatchInferenceJobAndASmallOneWaitsForCompany() throws Exception {
        // All 120 calls park in one window: start just after one begins.
        long every = EVERY.toMillis();
        long intoWindow = System.currentTimeMillis() % every;
        if (intoWindow > 2_000) {
            Thread.sleep(every - intoWindow + 200);
        }
        int jobs = 120;
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            items.add(Map.of("text", "Ledger " + i + ": the river sluice opened at dawn and closed at noon."));
        }
        ApiClient.Reply accepted = api.post("/v1/batches", Map.of("pipeline", "digest", "items", items));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        JsonNode batch = awaitDone(accepted.body().path("batchId").asText(), Duration.ofMinutes(2));

        assertThat(batch.path("succeeded").asInt()).as(batch.toString()).isEqualTo(jobs);
        JsonNode invocationJobs = simulator("/model-invocation-jobs").path("invocationJobSummaries");
        assertThat(invocationJobs).as(invocationJobs.toString()).hasSize(1);
        JsonNode one = invocationJobs.get(0);
        assertThat(one.path("status").asText()).isEqualTo("Completed");
        assertThat(one.path("roleArn").asText()).isEqualTo(LocalSluice.LOCAL_BEDROCK_BATCH_ROLE);
        assertThat(one.path("inputDataConfig").toString()).contains("s3://").contains("/batches/bedrock/");
        assertThat(local.simulator().calls(MODEL))
                .as("each call made once, by the batch")
                .isEqualTo(jobs);
        assertThat(local.simulator().chatOutcomes(MODEL)).as("no live call").isEmpty();

        JsonNode job =
                api.get("/v1/jobs/" + batch.path("jobIds").path(0).asText()).body();
        JsonNode hop = job.path("hops").get(0);
        assertThat(hop.path("batched").asBoolean()).as(job.toString()).isTrue();
        assertThat(job.path("result").toString()).isNotBlank();
        JsonNode tokens = hop.path("tokens");
        assertThat(tokens.path("input").asLong()).isPositive();
        assertThat(new BigDecimal(hop.path("costUsd").asText()))
                .as("half the live $0.25 / $1.25")
                .isEqualByComparingTo(new BigDecimal("0.125")
                        .multiply(BigDecimal.valueOf(tokens.path("input").asLong()))
                        .add(new BigDecimal("0.625")
                                .multiply(
                                        BigDecimal.valueOf(tokens.path("output").asLong())))
                        .divide(BigDecimal.valueOf(1_000_000)));

        // Three calls are too few for a batch inference job (Bedrock takes at least 100): they wait for company.
        ApiClient.Reply few = api.post("/v1/batches", Map.of("pipeline", "digest", "items", items(3, "Early note")));
        assertThat(few.status()).isEqualTo(202);
        String fewId = few.body().path("batchId").asText();
        Thread.sleep(EVERY.multipliedBy(2).plusSeconds(5).toMillis());
        assertThat(api.get("/v1/batches/" + fewId).body().path("done").asBoolean())
                .as("three calls wait for the next window")
                .isFalse();
        assertThat(simulator("/model-invocation-jobs").path("invocationJobSummaries"))
                .as("no job for a window Bedrock would refuse")
                .hasSize(1);
        ApiClient.Reply more = api.post("/v1/batches", Map.of("pipeline", "digest", "items", items(97, "Late note")));
        assertThat(more.status()).isEqualTo(202);
        JsonNode early = awaitDone(fewId, Duration.ofMinutes(2));
        JsonNode late = awaitDone(more.body().path("batchId").asText(), Duration.ofMinutes(2));
        assertThat(early.path("succeeded").asInt()).as(early.toString()).isEqualTo(3);
        assertThat(late.path("succeeded").asInt()).as(late.toString()).isEqualTo(97);
        JsonNode second = simulator("/model-invocation-jobs").path("invocationJobSummaries");
        assertThat(second).as("the three went with the 97 as one job").hasSize(2);
        JsonNode earlyJob =
                api.get("/v1/jobs/" + early.path("jobIds").path(0).asText()).body();
        assertThat(earlyJob.path("hops").get(0).path("batched").asBoolean())
                .as(earlyJob.toString())
                .isTrue();
        assertThat(local.simulator().chatOutcomes(MODEL)).as("no live call").isEmpty();
        System.out.printf(
                "bedrock batch route: %d jobs through 1 batch inference job; 3 calls waited for 97 more and went as"
                        + " the second%n",
                jobs);
    }

    private static List<Map<String, String>> items(int n, String tag) {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Map.of("text", tag + " " + i + ": the lock keeper logged the water level at dusk."));
        }
        return items;
    }

    private static JsonNode awaitDone(String batchId, Duration timeout) throws InterruptedException {
        JsonNode batch = api.get("/v1/batches/" + batchId).body();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!batch.path("done").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            batch = api.get("/v1/batches/" + batchId).body();
        }
        return batch;
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
}
