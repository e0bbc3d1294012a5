package dev.sluice.domain.service;

import static dev.sluice.domain.service.TestConfig.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    void aJobStrandedBeforeItWasQueuedIsQueuedAgainWhenTheClientRetries() {
        sluice.work.failNextSends(1);
        assertThatThrownBy(() -> submit(TENANT, "ask", Map.of("question", "q"), "k3"))
                .hasMessageContaining("unavailable");
        // The record exists but has been failed, so it never sits queued forever.
        var retried = submit(TENANT, "ask", Map.of("question", "q"), "k3");
        assertThat(((SubmitJob.Result.Duplicate) retried).job().status()).isEqualTo(JobStatus.FAILED);
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
