package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tenant's daily budget through the HTTP API, the real handlers, DynamoDB (dynalite) and the simulator: jobs
 * submitted at once, more than the budget covers, all end; those it covers succeed, the rest fail with a reason that
 * names the budget and call no model; what they spent stays within the budget; {@code GET /v1/usage} reports what
 * the job records say and the simulator billed.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class BudgetIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String BUDGET = "0.003";
    /**
     * The most one rag call on the bundled model {@code fast} can cost here: its 400 output tokens at $0.60 and a few
     * hundred prompt bytes at $0.15 per million. Each answer is 400 tokens, so a call costs nearly its worst case.
     */
    private static final BigDecimal WORST_CASE = new BigDecimal("0.0003");

    private static LocalSluice local;

    @BeforeAll
    static void start() throws Exception {
        // Read by the bundled sluice.yaml (tenants.default.budget.daily) when the functions load it at start.
        System.setProperty("SLUICE_DAILY_BUDGET_USD", BUDGET);
        try {
            local = LocalSluice.start(new LocalSluice.Options(
                    Files.createTempDirectory("sluice-budget-it"),
                    0,
                    Duration.ofMillis(20),
                    0,
                    Duration.ofSeconds(5),
                    4,
                    10));
        } finally {
            System.clearProperty("SLUICE_DAILY_BUDGET_USD");
        }
        local.simulator()
                .configure(
                        MODEL,
                        ModelBehaviour.DEFAULT
                                .withLatency(Latency.ofMillis(20, 60))
                                .withScript("An answer of four hundred tokens. ".repeat(50)));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void jobsBeyondADailyBudgetFailWithTheReasonAndSpendStaysWithinIt() throws Exception {
        ApiClient api = new ApiClient(local.api(), "budget-" + UUID.randomUUID());
        LlmSimulator.Billed before = local.simulator().billed(MODEL);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ApiClient.Reply r = api.post(
                    "/v1/jobs",
                    Map.of("pipeline", "rag", "input", Map.of("question", "Question " + i + "? " + UUID.randomUUID())));
            assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
            ids.add(r.body().path("jobId").asText());
        }
        List<JsonNode> succeeded = new ArrayList<>();
        List<JsonNode> failed = new ArrayList<>();
        for (String id : ids) {
            JsonNode job = api.awaitEnd(id, Duration.ofMinutes(2));
            (job.path("status").asText().equals("SUCCEEDED") ? succeeded : failed).add(job);
        }
        LlmSimulator.Billed billed = local.simulator().billed(MODEL);

        assertThat(succeeded).as("the budget covers some jobs").isNotEmpty();
        assertThat(failed).as("and not all of them").isNotEmpty();
        assertThat(failed)
                .allSatisfy(job -> assertThat(job.path("failureReason").asText())
                        .contains("has reached its daily budget of $" + BUDGET)
                        .contains("the budget starts again at"));
        assertThat(billed.answers() - before.answers())
                .as("a job the budget stopped called no model")
                .isEqualTo(succeeded.size());
        BigDecimal spent = succeeded.stream()
                .map(job -> new BigDecimal(job.path("costUsd").asText()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal(BUDGET));
        assertThat(spent)
                .as("a job fails only once what settled leaves no room: calls running hold it, the hop looks again")
                .isGreaterThan(new BigDecimal(BUDGET).subtract(WORST_CASE));

        System.out.printf(
                "daily budget $%s: %d jobs succeeded, %d failed over budget, spent $%s (%d model calls billed)%n",
                BUDGET, succeeded.size(), failed.size(), spent.toPlainString(), billed.answers() - before.answers());

        JsonNode usage = api.get("/v1/usage").body();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(new BigDecimal(usage.path("total").path("costUsd").asText()))
                .as(usage.toString())
                .isEqualByComparingTo(spent);
        assertThat(usage.path("total").path("calls").asLong()).isEqualTo(succeeded.size());
        assertThat(usage.path("byPipeline").path("rag").path("calls").asLong()).isEqualTo(succeeded.size());
        assertThat(usage.path("byModel").path("fast").path("inputTokens").asLong())
                .isEqualTo(succeeded.stream()
                        .mapToLong(j -> j.path("tokens").path("input").asLong())
                        .sum());
        assertThat(usage.path("byDay").has(today)).isTrue();
        assertThat(usage.path("budget").path("daily").path("limitUsd").asText()).isEqualTo(BUDGET);
        assertThat(new BigDecimal(
                        usage.path("budget").path("daily").path("spentUsd").asText()))
                .isEqualByComparingTo(spent);
        assertThat(usage.path("budget").path("overBudget").asText()).isEqualTo("fail");

        // What ./sluice usage prints of it.
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        UsagePrint.print(usage, new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("usage of tenant '" + usage.path("tenant").asText() + "'")
                .contains("$" + usage.path("total").path("costUsd").asText() + " for " + succeeded.size() + " calls")
                .contains("by pipeline:\n  rag ")
                .contains("by model:\n  fast ")
                .contains("budget: daily $" + BUDGET + " ($")
                .contains("monthly none; over budget a hop fails its job");

        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.FINALIZE), Duration.ofSeconds(30));
        for (QueueRole role : List.of(QueueRole.WORK, QueueRole.FINALIZE)) {
            assertThat(local.depth(local.deadLetterQueueUrl(role)))
                    .as("%s dead letters", role)
                    .isZero();
        }
    }

    @Test
    void aUsageRequestThatCannotBeAnsweredIsRefusedWithTheReason() {
        ApiClient api = new ApiClient(local.api(), "usage-" + UUID.randomUUID());
        Map<String, String> refusals = Map.of(
                "/v1/usage?from=2026-13-01", "from: must be a UTC day like 2026-12-01 (got '2026-13-01')",
                "/v1/usage?from=2026-12-05&to=2026-12-01",
                        "from: must not be after 'to' (2026-12-05 is after 2026-12-01)",
                "/v1/usage?from=2024-01-01&to=2026-01-01", "from: a report covers at most 366 days",
                "/v1/usage?to=2026-12-01&to=2026-12-02", "to: is given more than once",
                "/v1/usage?since=2026-12-01", "since: is not a parameter of GET /v1/usage",
                "/v1/usage?tenant=%20bad%20", "tenant:");
        refusals.forEach((path, message) -> {
            ApiClient.Reply r = api.get(path);
            assertThat(r.status()).as(path + " " + r.body()).isEqualTo(400);
            assertThat(r.body().path("message").asText()).as(path).startsWith(message);
            assertThat(r.body().path("field").asText()).as(path).isEqualTo(message.substring(0, message.indexOf(':')));
        });
        ApiClient.Reply empty = api.get("/v1/usage?from=2026-01-01&to=2026-01-31");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body().path("total").path("calls").asLong()).isZero();
        assertThat(empty.body().path("lines")).isEmpty();
    }
}
