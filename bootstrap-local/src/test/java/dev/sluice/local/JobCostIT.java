package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.math.BigDecimal;
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
 * What a job says it cost is what the provider billed: through the HTTP API, the real handlers, the stand-ins and the
 * simulator, a job's tokens are the provider's usage and its cost that usage at the configured prices; a cache hit
 * and a duplicate delivery add no tokens and no cost.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class JobCostIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String TENANT = "cost-tenant";
    /** The bundled sluice.yaml's prices for model alias fast, USD per million tokens. */
    private static final double INPUT = 0.15;

    private static final double CACHED_INPUT = 0.075;
    private static final double OUTPUT = 0.60;

    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-cost-it"),
                0,
                Duration.ofMillis(20),
                0,
                Duration.ofSeconds(5),
                2,
                10));
        // Part of every prompt read from the provider's cache: priced at the cached rate, as providers bill it.
        local.simulator()
                .configure(
                        MODEL,
                        ModelBehaviour.DEFAULT
                                .withLatency(Latency.ofMillis(20, 40))
                                .withCachedInputTokens(64));
        api = new ApiClient(local.api(), TENANT);
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

    @Test
    void aChainsCostIsTheProvidersUsageTimesThePriceAndRepeatsCostNothing() throws Exception {
        LlmSimulator.Billed before = local.simulator().billed(MODEL);
        String chain = submit("research", "How does sluice keep within a provider's rate limits? " + UUID.randomUUID());
        JsonNode done = awaitSucceeded(chain);
        LlmSimulator.Billed billed = minus(local.simulator().billed(MODEL), before);

        assertThat(billed.answers()).isEqualTo(3);
        assertThat(done.path("tokens").path("input").asLong()).isEqualTo(billed.input());
        assertThat(done.path("tokens").path("output").asLong()).isEqualTo(billed.output());
        double providerPrice = ((billed.input() - billed.cachedInput()) * INPUT
                        + billed.cachedInput() * CACHED_INPUT
                        + billed.output() * OUTPUT)
                / 1e6;
        double jobCost = new BigDecimal(done.path("costUsd").asText()).doubleValue();
        assertThat(providerPrice).isPositive();
        assertThat(jobCost).isCloseTo(providerPrice, within(providerPrice * 0.01));
        double hopsCost = 0;
        for (JsonNode hop : done.path("hops")) {
            hopsCost += new BigDecimal(hop.path("costUsd").asText()).doubleValue();
        }
        assertThat(hopsCost).isCloseTo(jobCost, within(providerPrice * 0.01));

        // The same question again: answered from the cache, no provider call, nothing charged.
        String question = "Why does sluice defer throttled work? " + UUID.randomUUID();
        JsonNode first = awaitSucceeded(submit("rag", question));
        LlmSimulator.Billed beforeRepeat = local.simulator().billed(MODEL);
        JsonNode repeat = awaitSucceeded(submit("rag", question));
        assertThat(minus(local.simulator().billed(MODEL), beforeRepeat).answers())
                .isZero();
        assertThat(repeat.path("hops").get(0).path("cacheHit").asBoolean()).isTrue();
        assertThat(repeat.path("tokens").path("input").asLong()).isZero();
        assertThat(repeat.path("tokens").path("output").asLong()).isZero();
        assertThat(new BigDecimal(repeat.path("costUsd").asText())).isZero();

        // A second delivery of a hop already done: the memo answers it, no provider call, the job's cost unchanged.
        String firstId = first.path("jobId").asText();
        Envelope again = new Envelope(
                new JobId(firstId),
                new TenantId(TENANT),
                new CorrelationId(first.path("correlationId").asText()),
                "rag",
                0,
                1,
                Optional.empty());
        LlmSimulator.Billed beforeDuplicate = local.simulator().billed(MODEL);
        local.sqs().sendMessage(r -> r.queueUrl(local.queueUrl(QueueRole.WORK)).messageBody(DomainJson.write(again)));
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.WORK), Duration.ofMinutes(1));
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofMinutes(1));
        assertThat(minus(local.simulator().billed(MODEL), beforeDuplicate).answers())
                .isZero();
        JsonNode afterDuplicate = api.get("/v1/jobs/" + firstId).body();
        assertThat(afterDuplicate.path("costUsd").asText())
                .isEqualTo(first.path("costUsd").asText());
        assertThat(afterDuplicate.path("tokens")).isEqualTo(first.path("tokens"));
    }

    private static LlmSimulator.Billed minus(LlmSimulator.Billed after, LlmSimulator.Billed before) {
        return new LlmSimulator.Billed(
                after.answers() - before.answers(),
                after.input() - before.input(),
                after.output() - before.output(),
                after.cachedInput() - before.cachedInput());
    }

    private static String submit(String pipeline, String question) {
        ApiClient.Reply reply =
                api.post("/v1/jobs", Map.of("pipeline", pipeline, "input", Map.of("question", question)));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return reply.body().path("jobId").asText();
    }

    private static JsonNode awaitSucceeded(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode job = api.get("/v1/jobs/" + id).body();
        while (System.nanoTime() < deadline && !job.path("status").asText().matches("SUCCEEDED|FAILED")) {
            Thread.sleep(100);
            job = api.get("/v1/jobs/" + id).body();
        }
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }
}
