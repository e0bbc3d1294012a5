package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.port.SpendLedger;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** A tenant's budget through the engine: what is spent never passes it, and what it stops ends as configured. */
class BudgetScenariosTest {
    /** {@code fast} bills $0.15 / $0.60 per million tokens and stops at 200 output tokens. */
    private static final String LONG_ANSWER = "x".repeat(700);

    private static PipelineHarness withBudget(Map<String, Object> budget) {
        Map<String, Object> tree = TestConfig.tree();
        tree.put("tenants", Map.of(TestConfig.TENANT.value(), Map.of("budget", budget)));
        PipelineHarness h = new PipelineHarness(tree);
        h.model.answerWith(call -> LONG_ANSWER);
        return h;
    }

    private static List<Job> submit(PipelineHarness h, int jobs) {
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            submitted.add(h.submit("ask", Map.of("question", "question number " + i)));
        }
        return submitted;
    }

    private static BigDecimal spentOn(PipelineHarness h, LocalDate day) {
        return h.ledger.usage(TestConfig.TENANT, day, day).stream()
                .map(l -> l.cost().usd())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void jobsPastADailyBudgetFailWithAReasonAndNoModelCall() {
        PipelineHarness h = withBudget(Map.of("daily", "0.0005"));
        List<Job> jobs = submit(h, 8);
        h.runUntilQuiet();

        List<Job> ended = jobs.stream().map(h::job).toList();
        List<Job> succeeded =
                ended.stream().filter(j -> j.status() == JobStatus.SUCCEEDED).toList();
        List<Job> failed =
                ended.stream().filter(j -> j.status() == JobStatus.FAILED).toList();
        assertThat(succeeded).as("the budget covers some jobs").isNotEmpty();
        assertThat(failed).as("and stops the rest").isNotEmpty();
        assertThat(succeeded.size() + failed.size()).isEqualTo(8);
        assertThat(h.model.calls()).as("a refused hop calls no model").hasSize(succeeded.size());
        assertThat(failed.getFirst().failureReason().orElseThrow())
                .contains("tenant 'acme' has reached its daily budget of $0.0005")
                .contains("spent today")
                .contains("the budget starts again at 2026-06-02T00:00:00Z");
        LocalDate day = LocalDate.of(2026, 6, 1);
        assertThat(spentOn(h, day)).isLessThanOrEqualTo(new BigDecimal("0.0005"));
        // What the ledger recorded is what the job records say the jobs cost.
        BigDecimal recorded = succeeded.stream().map(j -> j.totalCost().usd()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spentOn(h, day)).isEqualByComparingTo(recorded);
    }

    @Test
    void hopsPastADailyBudgetThatWaitRunWhenTheNextDayStarts() {
        PipelineHarness h = withBudget(Map.of("daily", "0.0005", "overBudget", "wait"));
        List<Job> jobs = submit(h, 8);
        h.runWhileVisible();
        long doneToday = jobs.stream()
                .map(h::job)
                .filter(j -> j.status() == JobStatus.SUCCEEDED)
                .count();
        assertThat(doneToday).isBetween(1L, 7L);
        assertThat(jobs.stream().map(h::job).map(Job::status)).doesNotContain(JobStatus.FAILED);

        h.clock.advance(Duration.between(h.clock.instant(), Instant.parse("2026-06-02T00:00:00Z")));
        h.runUntilQuiet();

        assertThat(jobs.stream().map(h::job).map(Job::status)).containsOnly(JobStatus.SUCCEEDED);
        assertThat(h.model.calls()).hasSize(8);
        assertThat(spentOn(h, LocalDate.of(2026, 6, 1))).isLessThanOrEqualTo(new BigDecimal("0.0005"));
        assertThat(spentOn(h, LocalDate.of(2026, 6, 2))).isPositive();
    }

    @Test
    void aMonthlyBudgetStopsWhatTheDailyOneWouldLetThrough() {
        PipelineHarness h = withBudget(Map.of("daily", "1", "monthly", "0.0003"));
        List<Job> jobs = submit(h, 5);
        h.runUntilQuiet();
        Job failed = jobs.stream()
                .map(h::job)
                .filter(j -> j.status() == JobStatus.FAILED)
                .findFirst()
                .orElseThrow();
        assertThat(failed.failureReason().orElseThrow())
                .contains("monthly budget of $0.0003")
                .contains("spent this month")
                .contains("starts again at 2026-07-01T00:00:00Z");
    }

    @Test
    void aTenantWithoutABudgetIsRecordedByPipelineAndModel() {
        PipelineHarness h = new PipelineHarness();
        Job rag = h.submit("ask", Map.of("question", "one"));
        Job chain = h.submit("chain", Map.of("topic", "rivers"));
        h.runUntilQuiet();

        List<SpendLedger.Line> lines =
                h.ledger.usage(TestConfig.TENANT, LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30));
        Map<String, SpendLedger.Line> byPipeline = new HashMap<>();
        lines.forEach(l -> byPipeline.put(l.pipeline() + "/" + l.model(), l));
        assertThat(byPipeline).containsOnlyKeys("ask/fast", "chain/fast");
        assertThat(byPipeline.get("ask/fast").calls()).isEqualTo(1);
        assertThat(byPipeline.get("chain/fast").calls()).isEqualTo(3);
        assertThat(byPipeline.get("ask/fast").cost().usd())
                .isEqualByComparingTo(h.job(rag).totalCost().usd());
        assertThat(byPipeline.get("chain/fast").cost().usd())
                .isEqualByComparingTo(h.job(chain).totalCost().usd());
        assertThat(byPipeline.get("chain/fast").inputTokens())
                .isEqualTo(h.job(chain).hops().stream()
                        .mapToLong(r -> r.usage().input())
                        .sum());
    }

    @Test
    void aCacheHitOnTheTenantsOwnEntryCostsNothing() {
        PipelineHarness h = withBudget(Map.of("daily", "0.0002"));
        Job first = h.submit("ask", Map.of("question", "same"));
        h.runUntilQuiet();
        List<Job> again = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            again.add(h.submit("ask", Map.of("question", "same")));
        }
        h.runUntilQuiet();
        assertThat(h.job(first).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.stream().map(h::job).map(Job::status)).containsOnly(JobStatus.SUCCEEDED);
        assertThat(again.stream().map(h::job).map(Job::totalCost)).containsOnly(Cost.ZERO);
        assertThat(h.model.calls()).hasSize(1);
    }

    /**
     * Whatever the prompts and answers, the spend of a day never passes the daily budget: a hold is the call's worst
     * case (every prompt byte a token, the output at its maximum), and holds never together pass the limit.
     */
    @Property(tries = 60)
    void spendNeverPassesTheBudget(
            @ForAll @IntRange(min = 1, max = 400) int budgetMicros,
            @ForAll @IntRange(min = 0, max = 2000) int answerChars,
            @ForAll @IntRange(min = 1, max = 600) int questionChars,
            @ForAll @IntRange(min = 1, max = 12) int jobs) {
        BigDecimal budget = BigDecimal.valueOf(budgetMicros, 6);
        PipelineHarness h = withBudget(Map.of("daily", budget.toPlainString()));
        h.model.answerWith(call -> "y".repeat(answerChars));
        for (int i = 0; i < jobs; i++) {
            h.submit("ask", Map.of("question", i + "é".repeat(questionChars)));
        }
        h.runUntilQuiet();
        assertThat(spentOn(h, LocalDate.of(2026, 6, 1))).isLessThanOrEqualTo(budget);
        assertThat(h.jobs.all().values().stream().map(Job::status)).isSubsetOf(JobStatus.SUCCEEDED, JobStatus.FAILED);
    }
}
