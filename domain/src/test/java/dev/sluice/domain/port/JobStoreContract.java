package dev.sluice.domain.port;

import static dev.sluice.domain.fake.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do. Implementations extend this and provide a fresh, empty store. */
public abstract class JobStoreContract {

    protected abstract JobStore store();

    @Test
    void createIsCreateIfAbsentAndKeepsTheFirstRecord() {
        JobStore store = store();
        Job job = Fixtures.job();
        assertThat(store.create(job)).isInstanceOf(JobStore.CreateResult.Created.class);
        Job again = Fixtures.job(job.id(), job.tenant(), Map.of("question", "something else"));
        JobStore.CreateResult second = store.create(again);
        assertThat(second).isInstanceOf(JobStore.CreateResult.Existing.class);
        assertThat(second.job().input()).isEqualTo(job.input());
        assertThat(store.find(job.id())).contains(job);
    }

    @Test
    void findOfAnUnknownJobIsEmpty() {
        assertThat(store().find(new JobId("job_unknown"))).isEmpty();
    }

    @Test
    void aLargeInputSurvivesTheRoundTrip() {
        JobStore store = store();
        String big = "x".repeat(300 * 1024);
        Job job = Fixtures.job(JobId.random(), Fixtures.TENANT, Map.of("question", big));
        store.create(job);
        assertThat(store.find(job.id()).orElseThrow().input().get("question")).isEqualTo(big);
    }

    @Test
    void leaseIsExclusiveUntilItExpiresOrIsReleased() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        Instant until = T0.plusSeconds(60);
        var first = store.tryLease(job.id(), 0, T0, until);
        assertThat(first).isInstanceOf(JobStore.LeaseResult.Acquired.class);
        assertThat(((JobStore.LeaseResult.Acquired) first).job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.tryLease(job.id(), 0, T0.plusSeconds(10), T0.plusSeconds(70)))
                .isEqualTo(new JobStore.LeaseResult.Held(until));
        assertThat(store.tryLease(job.id(), 0, T0.plusSeconds(61), T0.plusSeconds(121)))
                .isInstanceOf(JobStore.LeaseResult.Acquired.class);
        store.releaseLease(job.id(), 0, JobStore.Release.COUNTED);
        assertThat(store.tryLease(job.id(), 0, T0.plusSeconds(62), T0.plusSeconds(122)))
                .isInstanceOf(JobStore.LeaseResult.Acquired.class);
    }

    @Test
    void onlyOneOfManyConcurrentDeliveriesGetsTheLease() throws Exception {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<JobStore.LeaseResult>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> store.tryLease(job.id(), 0, T0, T0.plusSeconds(60)));
            }
            long acquired = 0;
            for (Future<JobStore.LeaseResult> f : pool.invokeAll(tasks)) {
                if (f.get() instanceof JobStore.LeaseResult.Acquired) {
                    acquired++;
                }
            }
            assertThat(acquired).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void leaseOnAnUnknownJobIsMissingAndOnAnotherHopIsMoved() {
        JobStore store = store();
        assertThat(store.tryLease(new JobId("job_nope"), 0, T0, T0.plusSeconds(5)))
                .isInstanceOf(JobStore.LeaseResult.Missing.class);
        Job job = Fixtures.job();
        store.create(job);
        var moved = store.tryLease(job.id(), 1, T0, T0.plusSeconds(5));
        assertThat(moved).isInstanceOf(JobStore.LeaseResult.Moved.class);
        assertThat(((JobStore.LeaseResult.Moved) moved).job().hop()).isZero();
    }

    @Test
    void aJobKeepsItsPriorityThroughItsLife() {
        JobStore store = store();
        Job batchWork = Job.queued(
                JobId.random(),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "later is fine"),
                "fp-batch",
                new CorrelationId("corr-batch"),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                Priority.BATCH,
                T0);
        store.create(batchWork);
        assertThat(store.find(batchWork.id()).orElseThrow().priority()).isEqualTo(Priority.BATCH);
        store.advance(batchWork.id(), Fixtures.hop(0, "draft", "the draft"), T0.plusSeconds(2));
        assertThat(store.find(batchWork.id()).orElseThrow().priority()).isEqualTo(Priority.BATCH);
        Job interactive = Fixtures.job();
        store.create(interactive);
        assertThat(store.find(interactive.id()).orElseThrow().priority()).isEqualTo(Priority.INTERACTIVE);
    }

    @Test
    void advanceMovesOnlyFromTheExpectedHopAndMemoisesTheOutput() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        Job advanced = store.advance(job.id(), Fixtures.hop(0, "draft", "the draft"), T0.plusSeconds(2))
                .orElseThrow();
        assertThat(advanced.hop()).isEqualTo(1);
        assertThat(advanced.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.advance(job.id(), Fixtures.hop(0, "draft", "another draft"), T0.plusSeconds(3)))
                .isEmpty();
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.hops()).hasSize(1);
        assertThat(stored.bindings()).containsEntry("steps.draft", "the draft");
        assertThat(stored.hops().getFirst()).isEqualTo(Fixtures.hop(0, "draft", "the draft"));
    }

    @Test
    void aLargeOutputIsMemoisedWhole() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        String big = "y".repeat(500 * 1024);
        store.advance(job.id(), Fixtures.hop(0, "draft", big), T0);
        assertThat(store.find(job.id()).orElseThrow().bindings().get("steps.draft"))
                .isEqualTo(big);
    }

    @Test
    void advanceReleasesTheLeaseSoTheNextHopCanBeLeased() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.tryLease(job.id(), 0, T0, T0.plusSeconds(60));
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0.plusSeconds(1));
        assertThat(store.tryLease(job.id(), 1, T0.plusSeconds(2), T0.plusSeconds(62)))
                .isInstanceOf(JobStore.LeaseResult.Acquired.class);
    }

    @Test
    void aJobEndsExactlyOnce() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0);
        store.advance(job.id(), Fixtures.hop(1, "final", "f"), T0);
        Job done = store.complete(job.id(), "the answer", T0.plusSeconds(5)).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result()).contains("the answer");
        assertThat(store.complete(job.id(), "another answer", T0.plusSeconds(6)))
                .isEmpty();
        assertThat(store.fail(job.id(), "too late", T0.plusSeconds(7))).isEmpty();
        Job stored = store.find(job.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(stored.result()).contains("the answer");
        assertThat(stored.updatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aResultCompletedFromTheJobAsReadIsTheResultWhetherOrNotItIsTheAnswerUnchanged() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "the answer"), T0);
        Job read = store.advance(job.id(), Fixtures.hop(1, "final", "the answer, tightened"), T0)
                .orElseThrow();

        Job done =
                store.complete(read, "the answer, tightened", T0.plusSeconds(5)).orElseThrow();
        assertThat(done.result()).contains("the answer, tightened");
        assertThat(store.find(job.id()).orElseThrow().result()).contains("the answer, tightened");
        assertThat(store.complete(read, "another answer", T0.plusSeconds(6))).isEmpty();
        assertThat(store.fail(job.id(), "too late", T0.plusSeconds(7))).isEmpty();
        assertThat(store.find(job.id()).orElseThrow().result()).contains("the answer, tightened");

        Job other = Fixtures.job();
        store.create(other);
        store.advance(other.id(), Fixtures.hop(0, "draft", "d"), T0);
        Job otherRead = store.advance(other.id(), Fixtures.hop(1, "final", "an answer [REDACTED]"), T0)
                .orElseThrow();
        store.complete(otherRead, "an answer ***", T0.plusSeconds(5));
        assertThat(store.find(other.id()).orElseThrow().result()).contains("an answer ***");
    }

    @Test
    void theLastHopMemoisedAndTheJobEndedInOneChangeOrNotAtAll() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        assertThat(store.advanceAndComplete(job.id(), Fixtures.hop(0, "draft", "d"), "too soon", T0))
                .as("not the last hop")
                .isEmpty();
        assertThat(store.find(job.id()).orElseThrow().hop()).isZero();
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0);

        Job done = store.advanceAndComplete(job.id(), Fixtures.hop(1, "final", "the answer"), "the answer", T0)
                .orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.hops()).hasSize(2);
        assertThat(store.find(job.id()).orElseThrow().result()).contains("the answer");
        assertThat(store.advanceAndComplete(job.id(), Fixtures.hop(1, "final", "again"), "again", T0))
                .isEmpty();
        assertThat(store.complete(job.id(), "another", T0)).isEmpty();
        assertThat(store.find(job.id()).orElseThrow().result()).contains("the answer");

        Job redacted = Fixtures.job();
        store.create(redacted);
        store.advance(redacted.id(), Fixtures.hop(0, "draft", "d"), T0);
        store.advanceAndComplete(redacted.id(), Fixtures.hop(1, "final", "mail a@b.io"), "mail [email]", T0);
        assertThat(store.find(redacted.id()).orElseThrow().result()).contains("mail [email]");
    }

    @Test
    void failKeepsTheReasonAndStopsAdvancing() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        Job failed = store.fail(job.id(), "model refused: content filtered", T0).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(store.find(job.id()).orElseThrow().failureReason()).contains("model refused: content filtered");
        assertThat(store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0)).isEmpty();
        assertThat(store.tryLease(job.id(), 0, T0, T0.plusSeconds(5))).isInstanceOf(JobStore.LeaseResult.Moved.class);
    }

    @Test
    void aLargeResultIsStoredWhole() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        String big = "z".repeat(450 * 1024);
        store.complete(job.id(), big, T0);
        assertThat(store.find(job.id()).orElseThrow().result()).contains(big);
    }

    @Test
    void batchCountersCountEachJobOnce() {
        JobStore store = store();
        List<JobId> ids = List.of(JobId.random(), JobId.random(), JobId.random());
        Batch batch = new Batch(BatchId.random(), Fixtures.TENANT, "two-hop", ids, 0, 0, new CorrelationId("c"), T0);
        assertThat(store.createBatch(batch)).isTrue();
        assertThat(store.createBatch(batch)).isFalse();
        store.countBatchItem(batch.id(), ids.get(0), JobStatus.SUCCEEDED);
        store.countBatchItem(batch.id(), ids.get(0), JobStatus.SUCCEEDED);
        Batch partial = store.countBatchItem(batch.id(), ids.get(1), JobStatus.FAILED);
        assertThat(partial.succeeded()).isEqualTo(1);
        assertThat(partial.failed()).isEqualTo(1);
        assertThat(partial.isDone()).isFalse();
        Batch done = store.countBatchItem(batch.id(), ids.get(2), JobStatus.SUCCEEDED);
        assertThat(done.isDone()).isTrue();
        assertThat(store.findBatch(batch.id()).orElseThrow().jobs()).containsExactlyElementsOf(ids);
    }

    @Test
    void concurrentCountsOfDifferentJobsAreAllKept() throws Exception {
        JobStore store = store();
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(JobId.random());
        }
        Batch batch = new Batch(BatchId.random(), Fixtures.TENANT, "two-hop", ids, 0, 0, new CorrelationId("c"), T0);
        store.createBatch(batch);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Batch>> tasks = new ArrayList<>();
            for (JobId id : ids) {
                tasks.add(() -> store.countBatchItem(batch.id(), id, JobStatus.SUCCEEDED));
            }
            for (Future<Batch> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.findBatch(batch.id()).orElseThrow().succeeded()).isEqualTo(20);
    }

    private static int attemptOf(JobStore.LeaseResult lease) {
        assertThat(lease).isInstanceOf(JobStore.LeaseResult.Acquired.class);
        return ((JobStore.LeaseResult.Acquired) lease).attempt();
    }

    @Test
    void everyLeaseCountsAsAnAttemptUnlessRefundedAndTheCountStartsAgainAtTheNextHop() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        assertThat(attemptOf(store.tryLease(job.id(), 0, T0, T0.plusSeconds(60))))
                .isEqualTo(1);
        store.releaseLease(job.id(), 0, JobStore.Release.COUNTED);
        assertThat(attemptOf(store.tryLease(job.id(), 0, T0.plusSeconds(1), T0.plusSeconds(61))))
                .isEqualTo(2);
        store.releaseLease(job.id(), 0, JobStore.Release.REFUNDED);
        assertThat(attemptOf(store.tryLease(job.id(), 0, T0.plusSeconds(2), T0.plusSeconds(62))))
                .as("a throttled attempt is given back")
                .isEqualTo(2);
        // A delivery that died holding the lease: the next one, after expiry, is the third attempt.
        assertThat(attemptOf(store.tryLease(job.id(), 0, T0.plusSeconds(63), T0.plusSeconds(123))))
                .isEqualTo(3);
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0.plusSeconds(64));
        assertThat(attemptOf(store.tryLease(job.id(), 1, T0.plusSeconds(65), T0.plusSeconds(125))))
                .isEqualTo(1);
    }

    @Test
    void aFailedJobReopensAtItsHopWithItsMemosAndFreshAttempts() {
        JobStore store = store();
        Job job = Fixtures.job();
        store.create(job);
        store.advance(job.id(), Fixtures.hop(0, "draft", "d"), T0);
        store.tryLease(job.id(), 1, T0, T0.plusSeconds(60));
        store.fail(job.id(), "model refused", T0.plusSeconds(1));
        assertThat(store.reopen(new JobId("job_nope"), T0)).isEmpty();
        Job reopened = store.reopen(job.id(), T0.plusSeconds(2)).orElseThrow();
        assertThat(reopened.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(reopened.hop()).isEqualTo(1);
        assertThat(reopened.failureReason()).isEmpty();
        assertThat(reopened.hops()).hasSize(1);
        assertThat(store.reopen(job.id(), T0.plusSeconds(3)))
                .as("only a failed job reopens")
                .isEmpty();
        assertThat(attemptOf(store.tryLease(job.id(), 1, T0.plusSeconds(4), T0.plusSeconds(64))))
                .isEqualTo(1);
        store.complete(job.id(), "done", T0.plusSeconds(5));
        assertThat(store.reopen(job.id(), T0.plusSeconds(6)))
                .as("a succeeded job stays done")
                .isEmpty();
    }

    @Test
    void anUncountedBatchItemCanBeCountedAgainWithAnotherOutcome() {
        JobStore store = store();
        List<JobId> ids = List.of(JobId.random(), JobId.random());
        Batch batch = new Batch(BatchId.random(), Fixtures.TENANT, "two-hop", ids, 0, 0, new CorrelationId("c"), T0);
        store.createBatch(batch);
        store.countBatchItem(batch.id(), ids.get(0), JobStatus.SUCCEEDED);
        assertThat(store.countBatchItem(batch.id(), ids.get(1), JobStatus.FAILED)
                        .isDone())
                .isTrue();
        store.uncountBatchItem(batch.id(), ids.get(1));
        store.uncountBatchItem(batch.id(), ids.get(1));
        Batch reopened = store.findBatch(batch.id()).orElseThrow();
        assertThat(reopened.failed()).isZero();
        assertThat(reopened.succeeded()).isEqualTo(1);
        assertThat(reopened.isDone()).isFalse();
        Batch done = store.countBatchItem(batch.id(), ids.get(1), JobStatus.SUCCEEDED);
        assertThat(done.succeeded()).isEqualTo(2);
        assertThat(done.isDone()).isTrue();
    }

    @Test
    void withdrawRemovesOnlyAJobThatNeverStarted() {
        JobStore store = store();
        Job untouched = Fixtures.job();
        store.create(untouched);
        assertThat(store.withdraw(untouched.id())).isTrue();
        assertThat(store.find(untouched.id())).isEmpty();
        assertThat(store.withdraw(untouched.id())).isFalse();
        // Withdrawn means gone: the same id can be created again (a retry with the same idempotency key).
        assertThat(store.create(untouched)).isInstanceOf(JobStore.CreateResult.Created.class);

        Job leased = Fixtures.job();
        store.create(leased);
        store.tryLease(leased.id(), 0, T0, T0.plusSeconds(60));
        assertThat(store.withdraw(leased.id())).isFalse();
        assertThat(store.find(leased.id())).isPresent();

        Job failed = Fixtures.job();
        store.create(failed);
        store.fail(failed.id(), "no", T0);
        assertThat(store.withdraw(failed.id())).isFalse();
        assertThat(store.find(failed.id())).isPresent();
    }

    @Test
    void aBatchKeepsItsItemsFingerprint() {
        JobStore store = store();
        List<JobId> ids = List.of(JobId.random(), JobId.random());
        Batch batch = new Batch(
                BatchId.random(),
                Fixtures.TENANT,
                "two-hop",
                ids,
                0,
                0,
                new CorrelationId("c"),
                T0,
                java.util.Optional.of("f1ngerprint"));
        store.createBatch(batch);
        assertThat(store.findBatch(batch.id()).orElseThrow().itemsFingerprint()).contains("f1ngerprint");
        assertThat(store.countBatchItem(batch.id(), ids.get(0), JobStatus.FAILED)
                        .itemsFingerprint())
                .contains("f1ngerprint");
    }
}
