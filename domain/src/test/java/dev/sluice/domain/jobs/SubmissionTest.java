package dev.sluice.domain.jobs;

import static dev.sluice.domain.fake.TestConfig.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.engine.PipelineHarness;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Submitting jobs and batches: idempotency, limits, and the errors a client sees. */
class SubmissionTest {
    private final PipelineHarness sluice = new PipelineHarness();

    private SubmitJob.Result submit(TenantId tenant, String pipeline, Map<String, String> input, String key) {
        return sluice.submit.submit(
                new SubmitJob.Command(tenant, pipeline, input, Optional.ofNullable(key), CorrelationId.random()));
    }

    @Test
    void theSameIdempotencyKeyFromTheSameTenantReturnsTheSameJob() {
        var first = submit(TENANT, "ask", Map.of("question", "q"), "order-17");
        var second = submit(TENANT, "ask", Map.of("question", "q"), "order-17");
        assertThat(first).isInstanceOf(SubmitJob.Result.Accepted.class);
        assertThat(second).isInstanceOf(SubmitJob.Result.Duplicate.class);
        assertThat(((SubmitJob.Result.Duplicate) second).job().id())
                .isEqualTo(((SubmitJob.Result.Accepted) first).job().id());
        sluice.runUntilQuiet();
        assertThat(sluice.model.calls()).hasSize(1);
    }

    @Test
    void theSameKeyFromAnotherTenantIsAnotherJob() {
        var mine = submit(TENANT, "ask", Map.of("question", "q"), "k1");
        var theirs = submit(new TenantId("globex"), "ask", Map.of("question", "q"), "k1");
        assertThat(theirs).isInstanceOf(SubmitJob.Result.Accepted.class);
        assertThat(((SubmitJob.Result.Accepted) theirs).job().id())
                .isNotEqualTo(((SubmitJob.Result.Accepted) mine).job().id());
    }

    @Test
    void reusingAKeyForADifferentInputIsAConflict() {
        submit(TENANT, "ask", Map.of("question", "q"), "k2");
        var conflict = submit(TENANT, "ask", Map.of("question", "another"), "k2");
        assertThat(conflict).isInstanceOf(SubmitJob.Result.Conflict.class);
        assertThat(((SubmitJob.Result.Conflict) conflict).message())
                .contains("k2")
                .contains("different");
    }

    @Test
    void aFailedSendLeavesNoRecordAndARetryWithTheSameKeyQueuesTheJob() {
        sluice.work.failNextSends(1);
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of("question", "q"), "k3"))
                .hasMessageContaining("unavailable");
        // Record and message, or neither: nothing sits queued with no message behind it.
        assertThat(sluice.jobs.all()).isEmpty();
        var retried = submit(TENANT, "ask", Map.of("question", "q"), "k3");
        assertThat(retried).isInstanceOf(SubmitJob.Result.Accepted.class);
        assertThat(sluice.work.size()).isEqualTo(1);
        sluice.runUntilQuiet();
        assertThat(sluice.jobs
                        .find(((SubmitJob.Result.Accepted) retried).job().id())
                        .orElseThrow()
                        .status())
                .isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aFailedSendWithoutAKeyLeavesNoRecordEither() {
        sluice.work.failNextSends(1);
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of("question", "q"), null))
                .isInstanceOf(dev.sluice.domain.port.TransientException.class);
        assertThat(sluice.jobs.all()).isEmpty();
    }

    @Test
    void aJobRecordedButNeverQueuedIsQueuedByTheRetry() {
        // A crash between the record and the message leaves exactly this behind.
        var first = (SubmitJob.Result.Accepted) submit(TENANT, "ask", Map.of("question", "q"), "k4");
        sluice.work.receiveVisible();
        var retried = submit(TENANT, "ask", Map.of("question", "q"), "k4");
        assertThat(retried).isInstanceOf(SubmitJob.Result.Duplicate.class);
        assertThat(sluice.work.size()).isEqualTo(1);
        sluice.runUntilQuiet();
        assertThat(sluice.jobs.find(first.job().id()).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void characterThatAQueueOrEmbedderWouldRefuseAreRefusedBeforeAnythingIsRecorded() {
        for (String bad : List.of("\u0000", "a\u0001b", "bell\u0007", "\uD800 lone", "tail \uDC00", "\uFFFE")) {
            var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                    InvalidInputException.class, () -> submit(TENANT, "ask", Map.of("question", bad), "k-bad"));
            assertThat(error).as("%s", bad.codePoints().boxed().toList()).isNotNull();
            assertThat(error.field()).isEqualTo("input.question");
            assertThat(error.tooLarge()).isFalse();
        }
        assertThatThrownBy(() -> sluice.batches.submit(new SubmitBatch.Command(
                        TENANT,
                        "ask",
                        List.of(Map.of("question", "fine"), Map.of("question", "x\u001Fy")),
                        Optional.empty(),
                        CorrelationId.random())))
                .hasMessageStartingWith("items[1].question: contains the character U+001F at index 1");
        assertThat(sluice.jobs.all()).isEmpty();
        assertThat(sluice.work.size()).isZero();
        // Tabs, line breaks and any valid Unicode (a surrogate pair included) are text like any other.
        assertThat(submit(TENANT, "ask", Map.of("question", "a\tb\r\nc \uD83D\uDE00 \u00E9"), null))
                .isInstanceOf(SubmitJob.Result.Accepted.class);
    }

    @Test
    void aCorrelationIdIsOneTo128SafeCharacters() {
        assertThat(CorrelationId.problem("Root=1-5759e988-bd862e3f/x:y.z_w+v")).isEmpty();
        assertThat(CorrelationId.problem("a\u0001b")).isPresent();
        assertThat(CorrelationId.problem("has space")).isPresent();
        assertThat(CorrelationId.problem("x".repeat(129)).orElseThrow()).contains("got 129 characters");
        assertThatThrownBy(() -> new CorrelationId("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badInputGetsAnErrorNamingTheField() {
        assertThatThrownBy(() -> submit(TENANT, "nope", Map.of("question", "q"), null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("pipeline")
                .hasMessageContaining("unknown pipeline 'nope'")
                .hasMessageContaining("ask");
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of(), null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("input.question: is required by pipeline 'ask'");
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of("question", "q", "qestion", "typo"), null))
                .hasMessage("input.qestion: pipeline 'ask' takes no field 'qestion' (its inputs: question)");
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of("question", "q"), "has spaces"))
                .hasMessageStartingWith("idempotencyKey:");
    }

    @Test
    void anInputOverTheSizeLimitIsRefusedAsTooLarge() {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidInputException.class,
                () -> submit(TENANT, "ask", Map.of("question", "x".repeat(100_001)), null));
        assertThat(error.tooLarge()).isTrue();
        assertThat(error.field()).isEqualTo("input.question");
        assertThat(error).hasMessageContaining("the limit is 100000");
        assertThat(sluice.jobs.all()).isEmpty();
    }

    @Test
    void aBatchOfNItemsCreatesNJobsAndReportsProgress() {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(Map.of("question", "question " + i));
        }
        PipelineHarness run = new PipelineHarness();
        Batch batch = run.batches.submit(
                new SubmitBatch.Command(TENANT, "ask", items, Optional.of("b-1"), CorrelationId.random()));
        assertThat(batch.total()).isEqualTo(12);
        assertThat(run.work.size()).isEqualTo(12);
        assertThat(run.query.batch(TENANT, batch.id()).orElseThrow().succeeded())
                .isZero();

        run.runUntilQuiet();
        Batch done = run.query.batch(TENANT, batch.id()).orElseThrow();
        assertThat(done.succeeded()).isEqualTo(12);
        assertThat(done.isDone()).isTrue();
        assertThat(run.events.events().stream().filter(e -> e instanceof DomainEvent.BatchCompleted))
                .hasSize(1);
        assertThat(batch.jobs())
                .allSatisfy(id ->
                        assertThat(run.jobs.find(id).orElseThrow().batchId()).contains(batch.id()));

        Batch again = run.batches.submit(
                new SubmitBatch.Command(TENANT, "ask", items, Optional.of("b-1"), CorrelationId.random()));
        assertThat(again.id()).isEqualTo(batch.id());
        assertThat(run.jobs.all()).hasSize(12);
        assertThat(run.work.size()).isZero();
    }

    @Test
    void aBatchWithOneBadItemQueuesNothing() {
        List<Map<String, String>> items = List.of(Map.of("question", "fine"), Map.of("nope", "bad"));
        assertThatThrownBy(() -> sluice.batches.submit(
                        new SubmitBatch.Command(TENANT, "ask", items, Optional.empty(), CorrelationId.random())))
                .hasMessageStartingWith("items[1].nope:");
        assertThat(sluice.jobs.all()).isEmpty();
        assertThat(sluice.work.size()).isZero();
    }

    @Test
    void reusingABatchKeyForOtherItemsIsAConflict() {
        sluice.batches.submit(new SubmitBatch.Command(
                TENANT, "ask", List.of(Map.of("question", "a")), Optional.of("b-2"), CorrelationId.random()));
        assertThatThrownBy(() -> sluice.batches.submit(new SubmitBatch.Command(
                        TENANT,
                        "ask",
                        List.of(Map.of("question", "a"), Map.of("question", "b")),
                        Optional.of("b-2"),
                        CorrelationId.random())))
                .isInstanceOf(IdempotencyConflictException.class);
    }

    @Test
    void reusingABatchKeyForOtherItemsOfTheSameCountIsAConflictAndQueuesNothing() {
        sluice.batches.submit(new SubmitBatch.Command(
                TENANT,
                "ask",
                List.of(Map.of("question", "a"), Map.of("question", "b")),
                Optional.of("b-3"),
                CorrelationId.random()));
        sluice.work.receiveVisible();
        assertThatThrownBy(() -> sluice.batches.submit(new SubmitBatch.Command(
                        TENANT,
                        "ask",
                        List.of(Map.of("question", "a"), Map.of("question", "c")),
                        Optional.of("b-3"),
                        CorrelationId.random())))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining("b-3")
                .hasMessageContaining("different items");
        // Same items in another order are other items too: item i is job i.
        assertThatThrownBy(() -> sluice.batches.submit(new SubmitBatch.Command(
                        TENANT,
                        "ask",
                        List.of(Map.of("question", "b"), Map.of("question", "a")),
                        Optional.of("b-3"),
                        CorrelationId.random())))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThat(sluice.work.size()).isZero();
        assertThat(sluice.jobs.all()).hasSize(2);
    }

    @Test
    void aKeyedBatchCutShortByTheQueueIsCompletedByTheRetry() {
        List<Map<String, String>> items = List.of(
                Map.of("question", "a"), Map.of("question", "b"), Map.of("question", "c"), Map.of("question", "d"));
        sluice.work.failSendsAfter(2, 1);
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                SubmissionIncompleteException.class,
                () -> sluice.batches.submit(
                        new SubmitBatch.Command(TENANT, "ask", items, Optional.of("b-4"), CorrelationId.random())));
        assertThat(error.retryable()).isTrue();
        assertThat(error).hasMessageContaining("2 of 4 jobs were queued").hasMessageContaining("same idempotency key");

        Batch batch = sluice.batches.submit(
                new SubmitBatch.Command(TENANT, "ask", items, Optional.of("b-4"), CorrelationId.random()));
        Set<JobId> queued = new HashSet<>();
        sluice.work.sent().forEach(s -> queued.add(((Envelope) s.message()).jobId()));
        assertThat(queued).containsExactlyInAnyOrderElementsOf(batch.jobs());
        sluice.runUntilQuiet();
        Batch done = sluice.query.batch(TENANT, batch.id()).orElseThrow();
        assertThat(done.succeeded()).isEqualTo(4);
        // Re-sent first messages cost nothing twice: one model call per item.
        assertThat(sluice.model.calls()).hasSize(4);
    }

    @Test
    void anUnkeyedBatchCutShortByTheQueueFailsWhatItCouldNotQueueAndStillEnds() {
        List<Map<String, String>> items = List.of(
                Map.of("question", "a"), Map.of("question", "b"), Map.of("question", "c"), Map.of("question", "d"));
        sluice.work.failSendsAfter(2, 1);
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                SubmissionIncompleteException.class,
                () -> sluice.batches.submit(
                        new SubmitBatch.Command(TENANT, "ask", items, Optional.empty(), CorrelationId.random())));
        assertThat(error).hasMessageContaining("2 of 4 jobs were queued").hasMessageContaining("2 could not be queued");
        // Nothing is left queued with no message behind it.
        Set<JobId> sent = new HashSet<>();
        sluice.work.sent().forEach(s -> sent.add(((Envelope) s.message()).jobId()));
        assertThat(sluice.jobs.all().values())
                .hasSize(4)
                .allSatisfy(job -> assertThat(job.status() == JobStatus.FAILED || sent.contains(job.id()))
                        .isTrue());
        sluice.runUntilQuiet();
        Batch done = sluice.jobs
                .findBatch(
                        sluice.jobs.all().values().iterator().next().batchId().orElseThrow())
                .orElseThrow();
        assertThat(done.isDone()).isTrue();
        assertThat(done.succeeded()).isEqualTo(2);
        assertThat(done.failed()).isEqualTo(2);
    }

    @Test
    void aBatchOverTheItemLimitIsTooLarge() {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            items.add(Map.of("question", "q"));
        }
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidInputException.class,
                () -> sluice.batches.submit(
                        new SubmitBatch.Command(TENANT, "ask", items, Optional.empty(), CorrelationId.random())));
        assertThat(error.tooLarge()).isTrue();
        assertThat(error).hasMessage("items: has 501 items; the limit is 500");
    }

    @Test
    void theFirstHopMessageCarriesTheJobsIdentity() {
        var accepted = (SubmitJob.Result.Accepted) submit(TENANT, "ask", Map.of("question", "q"), null);
        Envelope envelope = (Envelope) sluice.work.receiveVisible().getFirst();
        assertThat(envelope.jobId()).isEqualTo(accepted.job().id());
        assertThat(envelope.correlationId()).isEqualTo(accepted.job().correlationId());
        assertThat(envelope.hop()).isZero();
        assertThat(envelope.tenant()).isEqualTo(TENANT);
    }
}
