package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bundled {@code faq} pipeline's semantic cache through the whole local runtime: the bundled embedder (MiniLM),
 * the embedded vector store, the DynamoDB cache and job table, the API's job view and the simulator's count of calls.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SemanticCacheIT {
    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-semantic"),
                0,
                Duration.ofMillis(50),
                0,
                Duration.ofSeconds(5),
                5,
                10));
        api = new ApiClient(local.api(), "semantic-tenant");
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void aQuestionAskedAgainInOtherWordsIsAnsweredFromTheFirstJobAndANearMissIsPaidFor() throws Exception {
        long before = local.simulator().totalCalls();
        JsonNode first = run(api, "What happens when the limiter denies a request?");
        JsonNode again = run(api, "What happens when a request is denied by the limiter?");
        JsonNode otherTenant = run(
                new ApiClient(local.api(), "another-tenant"), "What happens when a request is denied by the limiter?");

        assertThat(first.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode hop = again.path("hops").get(0);
        assertThat(hop.path("cacheHit").asBoolean()).isTrue();
        assertThat(hop.path("costUsd").asText()).isEqualTo("0");
        assertThat(hop.path("semantic").path("fromJob").asText())
                .isEqualTo(first.path("jobId").asText());
        assertThat(hop.path("semantic").path("similarity").asDouble()).isBetween(0.85, 1.0);
        assertThat(hop.path("semantic").path("note").asText()).startsWith("semantic hit, similarity 0.");
        assertThat(again.path("result").asText()).isEqualTo(first.path("result").asText());
        JsonNode trace = api.awaitTrace(again.path("jobId").asText(), 1, Duration.ofSeconds(30));
        assertThat(trace.path("hops").get(0).path("semantic").path("fromJob").asText())
                .isEqualTo(first.path("jobId").asText());
        assertThat(otherTenant.path("hops").get(0).path("cacheHit").asBoolean()).isFalse();
        assertThat(otherTenant.path("hops").get(0).has("semantic")).isFalse();
        // The first question and the other tenant's were paid for; the paraphrase was not.
        assertThat(local.simulator().totalCalls() - before).isEqualTo(2);

        JsonNode negated = run(api, "What happens when the limiter does not deny a request?");
        assertThat(negated.path("hops").get(0).path("cacheHit").asBoolean()).isFalse();
        assertThat(local.simulator().totalCalls() - before).isEqualTo(3);
    }

    private static JsonNode run(ApiClient client, String question) throws InterruptedException {
        ApiClient.Reply submitted =
                client.post("/v1/jobs", Map.of("pipeline", "faq", "input", Map.of("question", question)));
        assertThat(submitted.status()).isEqualTo(202);
        String id = submitted.body().path("jobId").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode job = client.get("/v1/jobs/" + id).body();
            if (job.path("status").asText().matches("SUCCEEDED|FAILED")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job " + id + " ends").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
