package dev.sluice.domain.port;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Job and batch records (DynamoDB in AWS). Every change is a single-item conditional write, so concurrent
 * deliveries of one message cannot both win.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #create} is create-if-absent by job id: a second create returns the existing job untouched (ids of
 *       jobs submitted with an idempotency key are derived from tenant and key, so this is what makes submission
 *       idempotent).
 *   <li>{@link #tryLease} gives one delivery of a hop exclusive use of it until the lease expires; a job that is
 *       no longer at that hop is reported as moved, with its current state. Every lease taken counts as one
 *       attempt at the hop, on the job record, so neither a redelivery, a crash nor a deferral can reset the count;
 *       {@link Release#REFUNDED} gives the attempt back (the hop was throttled, not tried), and the count starts
 *       again at the next hop or when the job is reopened.
 *   <li>{@link #reopen} turns a FAILED job back into a running one at the hop where it stopped, with its memoised
 *       hops kept and its attempts reset; it changes nothing on a job that did not fail.
 *   <li>{@link #advance} succeeds only if the job is still at {@code record.hop()} and not terminal, memoising the
 *       record and moving to the next hop; otherwise it changes nothing and returns empty.
 *   <li>{@link #complete} and {@link #fail} succeed only on a job that is not terminal yet; they return empty
 *       otherwise, so each job ends exactly once.
 *   <li>{@link #withdraw} deletes a job that never started (queued at hop 0, never leased) and says whether it did;
 *       a job a consumer has touched stays as it is.
 *   <li>{@link #createBatch} is create-if-absent by batch id and says whether it created.
 *   <li>{@link #countBatchItem} records that one job of the batch ended, atomically and idempotently: counting the
 *       same job twice changes nothing. {@link #uncountBatchItem} takes a reopened job's count back.
 * </ul>
 * Large values (inputs, outputs, results) are stored aside by the adapter and restored on read.
 * Failures: {@link TransientException}.
 */
public interface JobStore {

    CreateResult create(Job job);

    /**
     * Called with the jobs of one batch submission before any of them is created: a store that keeps large inputs
     * aside may write them together now, once for the batch, and have {@link #create} point at them. Calling it
     * again with the same jobs (a retried submission) writes the same. A store that keeps inputs whole does nothing.
     */
    default void prepareInputs(java.util.List<Job> jobs) {}

    Optional<Job> find(JobId id);

    /**
     * Takes back a job whose first message could not be sent, so a submission leaves a record and a message or
     * neither. Returns false when the job is missing or has started (its message got through after all).
     */
    boolean withdraw(JobId id);

    LeaseResult tryLease(JobId id, int hop, Instant now, Instant until);

    /**
     * Gives up a lease early so the next delivery need not wait for it to expire; {@code how} says whether the
     * attempt it stood for counts.
     */
    void releaseLease(JobId id, int hop, Release how);

    /** The job, FAILED before, running again at the hop where it stopped; empty if it is missing or did not fail. */
    Optional<Job> reopen(JobId id, Instant now);

    Optional<Job> advance(JobId id, HopRecord record, Instant now);

    Optional<Job> complete(JobId id, String result, Instant now);

    /**
     * {@link #advance} with the job's last hop, and {@link #complete} with {@code result}, in one change: the job
     * ends SUCCEEDED with the hop memoised, or nothing changes and the result is empty (the job is not at that hop,
     * has ended, or {@code record} is not its last hop).
     */
    default Optional<Job> advanceAndComplete(JobId id, HopRecord record, String result, Instant now) {
        return find(id).filter(job -> record.hop() + 1 == job.hopCount())
                .flatMap(job -> advance(id, record, now))
                .flatMap(job -> complete(job, result, now));
    }

    /**
     * {@link #complete} for {@code job} as the caller read it: a store may keep a result equal to one of the job's
     * memoised outputs (an answer no guardrail changed) as a reference to it rather than a second copy.
     */
    default Optional<Job> complete(Job job, String result, Instant now) {
        return complete(job.id(), result, now);
    }

    Optional<Job> fail(JobId id, String reason, Instant now);

    boolean createBatch(Batch batch);

    Optional<Batch> findBatch(BatchId id);

    Batch countBatchItem(BatchId id, JobId job, JobStatus outcome);

    /** Forgets how {@code job} ended in its batch (it was reopened); nothing changes if it was not counted. */
    void uncountBatchItem(BatchId id, JobId job);

    /** Whether a released lease used up an attempt at the hop. */
    enum Release {
        /** The hop was tried and failed: the attempt counts. */
        COUNTED,
        /** The hop was not tried (admission denied it, the provider throttled it): the attempt is given back. */
        REFUNDED
    }

    /** Outcome of {@link #create}. */
    sealed interface CreateResult {
        Job job();

        record Created(Job job) implements CreateResult {}

        record Existing(Job job) implements CreateResult {}
    }

    /** Outcome of {@link #tryLease}. */
    sealed interface LeaseResult {
        /**
         * The caller owns the hop until the lease expires; {@code job} is its current state and {@code attempt} the
         * number of leases taken on this hop so far, this one included.
         */
        record Acquired(Job job, int attempt) implements LeaseResult {}

        /** Another delivery owns the hop until {@code until}. */
        record Held(Instant until) implements LeaseResult {}

        /** The job is past that hop or has ended. */
        record Moved(Job job) implements LeaseResult {}

        record Missing() implements LeaseResult {}
    }
}
