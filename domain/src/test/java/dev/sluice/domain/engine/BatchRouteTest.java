package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.fake.ScriptedBatchModel;
import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.usecase.SubmitJob;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Work that can wait, through the providers' batch APIs: parked by the processor, sent per model and window by the
 * batcher, answered as a live call would be at the batch prices, and never lost or paid twice.
 */
class BatchRouteTest {
    private static final Duration STEP = Duration.ofSeconds(20);
    /** Half of {@code fast}'s live $0.15 / $0.60, the default when a route gives no prices. */
    private static final Prices BATCH =
            new Prices(new BigDecimal("0.075"), new BigDecimal("0.30"), new BigDecimal("0.075"));

    private static PipelineHarness harness() {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> models = (Map<String, Object>) tree.get("models");
        Map<String, Object> gpt = TestConfig.model("gpt-nightly", List.of(), Map.of());
        gpt.put("batch", Map.of("every", "5m", "window", "24h"));
        models.put("nightly", gpt);
        Map<String, Object> claude = TestConfig.model("claude-nightly", List.of(), Map.of());
        claude.put("provider", "anthropic");
        claude.put("batch", Map.of("every", "5m", "prices", Map.of("input", 0.05, "output", 0.2)));
        models.put("claude", claude);
        @SuppressWarnings("unchecked")
        Map<String, Object> pipelines = (Map<String, Object>) tree.get("pipelines");
        for (String model : List.of("nightly", "claude")) {
            Map<String, Object> p = TestConfig.pipeline(
                    List.of("question"),
                    List.of(Map.of("generate", "answer", "model", model, "prompt", "{{input.question}}")),
                    Map.of());
            p.put("mode", "batch");
            pipelines.put("overnight-" + model, p);
        }
        pipelines.put(
                "live-nightly",
                TestConfig.pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "nightly", "prompt", "{{input.question}}")),
                        Map.of()));
        return new PipelineHarness(tree);
    }

    private static List<Job> submit(PipelineHarness h, String pipeline, String prefix, int n) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(h.submit(pipeline, Map.of("question", prefix + " question " + i)));
        }
        return jobs;
    }

    private static Map<JobStatus, Long> statuses(PipelineHarness h, List<Job> jobs) {
        return jobs.stream().map(h::job).collect(Collectors.groupingBy(Job::status, Collectors.counting()));
    }

    @Test
    void twoHundredJobsOverTwoModelsEndWithOneBatchPerModelAndWindowAtBatchPrices() {
        PipelineHarness h = harness();
        List<Job> jobs = new ArrayList<>();
        jobs.addAll(submit(h, "overnight-nightly", "first", 50));
        jobs.addAll(submit(h, "overnight-claude", "first", 50));
        h.runWhileVisible(); // parked in the first window
        h.clock.advance(Duration.ofMinutes(6));
        jobs.addAll(submit(h, "overnight-nightly", "second", 50));
        jobs.addAll(submit(h, "overnight-claude", "second", 50));
        h.runUntilQuietBatching(STEP);

        assertThat(statuses(h, jobs)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 200L));
        assertThat(h.model.calls()).as("no live call").isEmpty();
        List<ScriptedBatchModel.Sent> sent = h.batchModel.sent();
        assertThat(sent).hasSize(4);
        assertThat(sent.stream().map(ScriptedBatchModel.Sent::submissionId).distinct())
                .hasSize(4);
        assertThat(sent.stream()
                        .map(s -> s.model().alias())
                        .collect(Collectors.groupingBy(a -> a, Collectors.counting())))
                .containsOnly(Map.entry("nightly", 2L), Map.entry("claude", 2L));
        assertThat(sent).allSatisfy(s -> assertThat(s.requests()).hasSize(50));
        Set<String> keys = new HashSet<>();
        sent.forEach(s ->
                s.requests().forEach(r -> assertThat(keys.add(r.customId())).isTrue()));

        Job one = h.job(jobs.getFirst());
        HopRecord hop = one.hops().getFirst();
        assertThat(one.result()).hasValue("batched answer to: first question 0");
        assertThat(hop.batched()).isTrue();
        assertThat(hop.cost()).isEqualTo(BATCH.costOf(hop.usage()));
        assertThat(hop.cost().usd())
                .isLessThan(new Prices(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.15"))
                        .costOf(hop.usage())
                        .usd());
        // Each answer paid once, at batch prices: the ledger holds what the jobs show.
        BigDecimal shown =
                jobs.stream().map(h::job).map(Job::totalCost).map(Cost::usd).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spent(h)).isEqualByComparingTo(shown);
        assertThat(h.ledger.usage(TestConfig.TENANT, day(h), day(h)).stream()
                        .mapToLong(l -> l.calls())
                        .sum())
                .isEqualTo(200);
    }

    @Test
    void aLineTheProviderFailedTransientlyIsAskedLiveAndOneItRefusedFailsItsJobWithTheReason() {
        PipelineHarness h = harness();
        h.batchModel
                .errorLine("q retry", new ParkedCalls.LineError(FailureKind.SERVER_ERROR, false, 500, "overloaded"))
                .errorLine(
                        "q refuse",
                        new ParkedCalls.LineError(FailureKind.INVALID_REQUEST, true, 400, "max_tokens is too large"));
        Job retried = h.submit("overnight-nightly", Map.of("question", "q retry"));
        Job refused = h.submit("overnight-nightly", Map.of("question", "q refuse"));
        Job fine = h.submit("overnight-nightly", Map.of("question", "q fine"));
        h.runUntilQuietBatching(STEP);

        assertThat(h.job(retried).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.job(retried).result()).hasValue("answer to: q retry");
        assertThat(h.job(retried).hops().getFirst().batched()).isFalse();
        assertThat(h.job(retried).hops().getFirst().cost())
                .as("the live answer is paid at live prices")
                .isEqualTo(h.config
                        .model("nightly")
                        .orElseThrow()
                        .prices()
                        .costOf(h.job(retried).hops().getFirst().usage()));
        assertThat(h.job(refused).status()).isEqualTo(JobStatus.FAILED);
        assertThat(h.job(refused).failureReason().orElseThrow())
                .contains("the provider of model 'nightly' refused the request")
                .contains("400")
                .doesNotContain("max_tokens");
        assertThat(h.job(fine).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.model.calls()).hasSize(1);
    }

    @Test
    void aWindowTooSmallForTheProvidersBatchWaitsForCompanyAndCallsLeftAloneForAnHourAreAskedLive() {
        PipelineHarness h = harness();
        h.batchModel.minimumLines(5);
        List<Job> early = submit(h, "overnight-nightly", "early", 3);
        h.runWhileVisible(); // parked in the first window
        for (int window = 0; window < 3; window++) {
            h.clock.advance(Duration.ofMinutes(5));
            h.ticks.add(h.batcher.tick());
        }
        assertThat(h.batchModel.sent())
                .as("three calls are too few for the provider")
                .isEmpty();
        assertThat(h.ticks.stream().mapToInt(BatchWindowService.Tick::carried).sum())
                .isGreaterThanOrEqualTo(3);
        List<Job> late = submit(h, "overnight-nightly", "late", 2);
        h.runUntilQuietBatching(STEP);

        List<Job> all = new ArrayList<>(early);
        all.addAll(late);
        assertThat(statuses(h, all)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 5L));
        assertThat(h.batchModel.sent())
                .as("the early calls went with the late ones")
                .singleElement()
                .satisfies(s -> assertThat(s.requests()).hasSize(5));
        assertThat(h.model.calls()).as("no live call").isEmpty();
        assertThat(h.job(early.getFirst()).hops().getFirst().batched()).isTrue();

        // Two calls with no company for an hour: their hops would stop waiting before a batch sent later could answer.
        List<Job> alone = submit(h, "overnight-nightly", "alone", 2);
        h.runUntilQuietBatching(STEP);
        assertThat(statuses(h, alone)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 2L));
        assertThat(h.batchModel.sent()).hasSize(1);
        assertThat(h.model.calls()).as("asked live").hasSize(2);
        assertThat(h.job(alone.getFirst()).hops().getFirst().batched()).isFalse();
        Duration waited = Duration.between(
                h.job(alone.getFirst()).createdAt(), h.job(alone.getFirst()).updatedAt());
        assertThat(waited).isLessThan(Duration.ofMinutes(70));
    }

    @Test
    void aBatchThatExpiresIsSentOnceMoreAndASecondExpiryIsAskedLive() {
        PipelineHarness h = harness();
        h.batchModel.expireNext(1);
        List<Job> once = submit(h, "overnight-nightly", "once", 10);
        h.runUntilQuietBatching(STEP);
        assertThat(statuses(h, once)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 10L));
        assertThat(h.batchModel.sent()).hasSize(2);
        assertThat(h.model.calls()).isEmpty();

        h.batchModel.expireNext(2);
        List<Job> twice = submit(h, "overnight-nightly", "twice", 10);
        h.runUntilQuietBatching(STEP);
        assertThat(statuses(h, twice)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 10L));
        assertThat(h.batchModel.sent()).hasSize(4);
        assertThat(h.model.calls()).as("asked live after the second expiry").hasSize(10);
    }

    @Test
    void aBatchTheProviderRefusesHasItsLinesAskedLiveAndOneItForgotIsSentAgain() {
        PipelineHarness h = harness();
        h.batchModel.refuseNext(1);
        List<Job> refused = submit(h, "overnight-nightly", "refused", 5);
        h.runUntilQuietBatching(STEP);
        assertThat(statuses(h, refused)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 5L));
        assertThat(h.model.calls()).as("asked live").hasSize(5);
        assertThat(h.ticks.stream().flatMap(t -> t.failures().stream()))
                .anySatisfy(f -> assertThat(f).contains("refused, its lines asked live"));

        h.batchModel.processing(Duration.ofMinutes(30));
        List<Job> forgotten = submit(h, "overnight-nightly", "forgotten", 5);
        h.runWhileVisible();
        h.clock.advance(Duration.ofMinutes(6));
        h.batcher.tick(); // the window is sent
        h.batchModel.forgetAll().processing(Duration.ZERO);
        h.runUntilQuietBatching(STEP);
        assertThat(statuses(h, forgotten)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 5L));
        assertThat(h.batchModel.sent())
                .as("the forgotten batch, then its lines once more")
                .hasSize(2);
        assertThat(h.model.calls()).hasSize(5);
    }

    @Test
    void aBatcherKilledBetweenReadingResultsAndWritingThemLosesNothingAndPaysNothingTwice() {
        PipelineHarness h = harness();
        h.parked.failAnswerAfter(7);
        List<Job> jobs = submit(h, "overnight-nightly", "killed", 20);
        h.runUntilQuietBatching(STEP);

        assertThat(statuses(h, jobs)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 20L));
        assertThat(h.ticks.stream().filter(t -> !t.failures().isEmpty())).hasSize(1);
        assertThat(h.batchModel.sent()).as("read again, not sent again").hasSize(1);
        assertThat(h.parked.answerWrites()).as("the first seven written twice").isEqualTo(27);
        assertThat(h.model.calls()).isEmpty();
        assertThat(h.ledger.usage(TestConfig.TENANT, day(h), day(h)).stream()
                        .mapToLong(l -> l.calls())
                        .sum())
                .isEqualTo(20);
        BigDecimal shown =
                jobs.stream().map(h::job).map(Job::totalCost).map(Cost::usd).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spent(h)).isEqualByComparingTo(shown);
    }

    @Test
    void identicalCallsShareOneLineAndALivePipelineNeverParks() {
        PipelineHarness h = harness();
        List<Job> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(h.submit("overnight-nightly", Map.of("question", "the same question")));
        }
        Job live = h.submit("ask", Map.of("question", "the same question"));
        h.runUntilQuietBatching(STEP);

        assertThat(statuses(h, same)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 5L));
        assertThat(h.batchModel.sent()).hasSize(1);
        assertThat(h.batchModel.sent().getFirst().requests()).hasSize(1);
        assertThat(h.job(live).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.model.calls()).hasSize(1);
        // One batch answer paid once (the live call once more): the other four identical jobs were answered free.
        assertThat(h.ledger.usage(TestConfig.TENANT, day(h), day(h)).stream()
                        .mapToLong(l -> l.calls())
                        .sum())
                .isEqualTo(2);
        assertThat(same.stream().map(h::job).filter(j -> j.hops().getFirst().batched()))
                .hasSize(1);
    }

    @Test
    void withoutACacheIdenticalCallsStillPayOnceTheOneHopThatClaimsTheirLine() {
        Map<String, Object> tree = TestConfig.tree();
        tree.put("engine", Map.of("maxAttempts", 3, "cacheTtl", "0s", "lease", "2m"));
        PipelineHarness h = withTree(harness(), tree);
        List<Job> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(h.submit("overnight-nightly", Map.of("question", "the same question")));
        }
        h.runUntilQuietBatching(STEP);

        assertThat(statuses(h, same)).containsExactly(Map.entry(JobStatus.SUCCEEDED, 5L));
        List<HopRecord> hops =
                same.stream().map(h::job).map(j -> j.hops().getFirst()).toList();
        assertThat(hops.stream().filter(HopRecord::batched)).hasSize(1);
        assertThat(hops.stream().filter(hop -> !hop.batched())).hasSize(4).allSatisfy(hop -> {
            assertThat(hop.cacheHit()).isTrue();
            assertThat(hop.cost()).isEqualTo(Cost.ZERO);
        });
        assertThat(h.ledger.usage(TestConfig.TENANT, day(h), day(h)).stream()
                        .mapToLong(l -> l.calls())
                        .sum())
                .isEqualTo(1);
    }

    @Test
    void parkedCallsHoldTheirWorstCaseSoTheyNeverPromiseMoreThanTheBudget() {
        // nightly's batch prices are $0.075 / $0.30: a call's worst case (200 output tokens) is about $0.000064, its
        // answer about $0.000004; a $0.0003 day holds four worst cases at once and pays for about 80 answers.
        Map<String, Object> tree = TestConfig.tree();
        tree.put("tenants", Map.of(TestConfig.TENANT.value(), Map.of("budget", Map.of("daily", "0.0003"))));
        PipelineHarness h = withTree(harness(), tree);
        List<Job> jobs = submit(h, "overnight-nightly", "budgeted", 120);
        h.runUntilQuietBatching(STEP);

        Map<JobStatus, Long> ended = statuses(h, jobs);
        assertThat(ended.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(120);
        assertThat(ended.get(JobStatus.FAILED)).isPositive();
        assertThat(jobs.stream().map(h::job).filter(j -> j.status() == JobStatus.FAILED))
                .allSatisfy(j -> assertThat(j.failureReason().orElseThrow()).contains("budget"));
        assertThat(h.batchModel.sent())
                .as("no more calls parked at once than the budget holds worst cases for")
                .allSatisfy(b -> assertThat(b.requests().size()).isLessThanOrEqualTo(4));
        assertThat(h.batchModel.sent().stream()
                        .mapToInt(b -> b.requests().size())
                        .sum())
                .as("every call sent was answered and paid")
                .isEqualTo(ended.get(JobStatus.SUCCEEDED).intValue());
        assertThat(spent(h)).isLessThanOrEqualTo(new BigDecimal("0.0003"));
    }

    @Test
    void aJobThatAsksForTheBatchRouteTakesItOnALivePipelineAndOthersStayLive() {
        PipelineHarness h = harness();
        SubmitJob.Result waits = h.submit.submit(new SubmitJob.Command(
                TestConfig.TENANT,
                "live-nightly",
                Map.of("question", "can wait"),
                Optional.empty(),
                CorrelationId.random(),
                Priority.INTERACTIVE,
                Mode.BATCH));
        Job batched = ((SubmitJob.Result.Accepted) waits).job();
        Job live = h.submit("live-nightly", Map.of("question", "now please"));
        h.runUntilQuietBatching(STEP);

        assertThat(h.job(batched).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.job(batched).mode()).isEqualTo(Mode.BATCH);
        assertThat(h.job(batched).hops().getFirst().batched()).isTrue();
        assertThat(h.job(live).hops().getFirst().batched()).isFalse();
        assertThat(h.model.calls()).hasSize(1);
        assertThat(h.batchModel.sent())
                .singleElement()
                .satisfies(b -> assertThat(b.requests()).hasSize(1));
    }

    private static Job withDeadline(PipelineHarness h, String question, Duration within) {
        SubmitJob.Result r = h.submit.submit(new SubmitJob.Command(
                TestConfig.TENANT,
                "live-nightly",
                Map.of("question", question),
                Optional.empty(),
                CorrelationId.random(),
                Priority.INTERACTIVE,
                Mode.LIVE,
                Optional.of(h.clock.instant().plus(within))));
        return ((SubmitJob.Result.Accepted) r).job();
    }

    @Test
    void aLiveJobWhoseDeadlineLeavesTheBatchWindowRoomTakesTheRouteAndOneDueSoonerRunsLive() {
        PipelineHarness h = harness();
        // nightly's route: windows of 5 minutes, answered within 24 hours, and the hop's grace hour on top.
        Job roomy = withDeadline(h, "by the day after tomorrow", Duration.ofHours(48));
        Job tight = withDeadline(h, "within the afternoon", Duration.ofHours(4));
        Job edge = withDeadline(h, "just short of the window", Duration.ofHours(25));
        h.runUntilQuietBatching(STEP);

        assertThat(h.job(roomy).deadline()).hasValue(roomy.createdAt().plus(Duration.ofHours(48)));
        assertThat(List.of(roomy, tight, edge))
                .allSatisfy(j -> assertThat(h.job(j).status()).isEqualTo(JobStatus.SUCCEEDED));
        assertThat(h.job(roomy).hops().getFirst().batched())
                .as("48 h leave the batch window room")
                .isTrue();
        assertThat(h.job(roomy).hops().getFirst().cost())
                .isEqualTo(BATCH.costOf(h.job(roomy).hops().getFirst().usage()));
        assertThat(h.job(tight).hops().getFirst().batched()).as("4 h do not").isFalse();
        assertThat(h.job(edge).hops().getFirst().batched())
                .as("25 h are short of 2 windows, 24 h and the grace hour")
                .isFalse();
        assertThat(h.model.calls()).hasSize(2);
    }

    @Test
    void aDeadlineThatHasPassedOrIsBeyondTwoWeeksIsRefused() {
        PipelineHarness h = harness();
        assertThatThrownBy(() -> withDeadline(h, "yesterday", Duration.ofHours(-1)))
                .isInstanceOf(dev.sluice.domain.usecase.InvalidInputException.class)
                .hasMessageContaining("deadline")
                .hasMessageContaining("has passed");
        assertThatThrownBy(() -> withDeadline(h, "next month", Duration.ofDays(15)))
                .isInstanceOf(dev.sluice.domain.usecase.InvalidInputException.class)
                .hasMessageContaining("must be within 14 days");
        assertThat(h.work.sent()).as("nothing queued").isEmpty();
    }

    @Test
    void aHopThatComesBackAskingAnotherCallLetsTheOldLineAndItsHoldGo() {
        // Room for one parked call's worst case (about $0.00007: 200 output tokens at $0.30 a million, and the prompt),
        // not
        // two: the new call parks only if the old one's hold is let go.
        Map<String, Object> tree = TestConfig.tree();
        tree.put("tenants", Map.of(TestConfig.TENANT.value(), Map.of("budget", Map.of("daily", "0.0001"))));
        PipelineHarness h = withTree(harness(), tree);
        h.batchModel.processing(Duration.ofHours(2));
        h.ingest(TestConfig.TENANT, docs("tides", "Ocean tides follow the moon."));
        Job job = h.submit("overnight-rag", Map.of("question", "what moves the tides"));
        h.runWhileVisible();
        assertThat(h.parked.submissions()).isEmpty();
        String first = h.work.sent().getLast().message() instanceof dev.sluice.domain.model.Envelope e
                ? e.parkedOn().orElseThrow()
                : "";

        // Retrieval finds more before the hop looks again: its prompt, so its call, is another one.
        h.ingest(TestConfig.TENANT, docs("moon", "What moves the tides is the moon, and the sun a little."));
        h.batchModel.processing(Duration.ZERO);
        h.runUntilQuietBatching(STEP);

        assertThat(h.job(job).status())
                .as(h.job(job).failureReason().orElse(""))
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.job(job).hops().getFirst().batched()).isTrue();
        assertThat(Duration.between(h.job(job).createdAt(), h.job(job).updatedAt()))
                .as("not kept waiting for the next day's budget by a hold nothing would settle")
                .isLessThan(Duration.ofHours(1));
        assertThat(h.batchModel.sent().stream().flatMap(b -> b.requests().stream()))
                .as("the old line was sent with the window it was parked in, the new one after")
                .hasSize(2)
                .anySatisfy(r -> assertThat(r.customId()).isEqualTo(first))
                .anySatisfy(r -> assertThat(r.prompt()).contains("the sun a little"));
        assertThat(spent(h)).isLessThanOrEqualTo(new BigDecimal("0.0001"));
    }

    private static dev.sluice.domain.model.IngestRequest docs(String id, String text) {
        return new dev.sluice.domain.model.IngestRequest(
                TestConfig.TENANT,
                new CorrelationId("ingest-" + id),
                "docs",
                List.of(new dev.sluice.domain.model.Document(id, "text/plain", text, Map.of())),
                List.of());
    }

    @Test
    void aTenantOverItsBudgetIsNotParked() {
        Map<String, Object> budget = new HashMap<>(Map.of("daily", "0.0000001"));
        PipelineHarness h = harness();
        Map<String, Object> tree = TestConfig.tree();
        tree.put("tenants", Map.of(TestConfig.TENANT.value(), Map.of("budget", budget)));
        PipelineHarness over = withTree(h, tree);
        Job job = over.submit("overnight-nightly", Map.of("question", "an expensive question"));
        over.runUntilQuietBatching(STEP);
        assertThat(over.job(job).status()).isEqualTo(JobStatus.FAILED);
        assertThat(over.job(job).failureReason().orElseThrow()).contains("budget");
        assertThat(over.batchModel.sent()).isEmpty();
    }

    /** The harness's batch models and pipelines, with the tenants of {@code tree}. */
    private static PipelineHarness withTree(PipelineHarness base, Map<String, Object> tree) {
        Map<String, Object> merged = new HashMap<>(tree);
        merged.put("models", modelsOf(base));
        merged.put("pipelines", pipelinesOf());
        return new PipelineHarness(merged);
    }

    private static Object modelsOf(PipelineHarness unused) {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> models = (Map<String, Object>) tree.get("models");
        Map<String, Object> gpt = TestConfig.model("gpt-nightly", List.of(), Map.of());
        gpt.put("batch", Map.of("every", "5m"));
        models.put("nightly", gpt);
        return models;
    }

    private static Object pipelinesOf() {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> pipelines = (Map<String, Object>) tree.get("pipelines");
        Map<String, Object> p = TestConfig.pipeline(
                List.of("question"),
                List.of(Map.of("generate", "answer", "model", "nightly", "prompt", "{{input.question}}")),
                Map.of());
        p.put("mode", "batch");
        pipelines.put("overnight-nightly", p);
        Map<String, Object> rag = TestConfig.pipeline(
                List.of("question"),
                List.of(
                        Map.of("retrieve", "context", "index", "docs", "query", "{{input.question}}", "topK", 2),
                        Map.of(
                                "generate",
                                "answer",
                                "model",
                                "nightly",
                                "prompt",
                                "Context:\n{{steps.context}}\n\nQuestion: {{input.question}}")),
                Map.of());
        rag.put("mode", "batch");
        pipelines.put("overnight-rag", rag);
        return pipelines;
    }

    private static LocalDate day(PipelineHarness h) {
        return LocalDate.ofInstant(h.clock.instant(), java.time.ZoneOffset.UTC);
    }

    private static BigDecimal spent(PipelineHarness h) {
        return h.ledger.usage(TestConfig.TENANT, day(h), day(h)).stream()
                .map(l -> l.cost().usd())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
