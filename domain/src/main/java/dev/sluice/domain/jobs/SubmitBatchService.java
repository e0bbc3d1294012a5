package dev.sluice.domain.jobs;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates every item first (a bad item refuses the whole batch, nothing recorded), then records the batch with a
 * fingerprint of its items and one job per item with ids derived from the batch id, queueing as it goes: the records
 * of up to {@link WorkQueue#BATCH_SIZE} items, then their first messages in one {@link WorkQueue#sendAll} call (a
 * 500-item batch makes 50 queue calls, not 500). A record whose message was not sent is withdrawn, so each item has
 * a record and a message, or neither.
 *
 * <p>If the store or the queue fails part way, a batch with an idempotency key is left for the client's retry to
 * complete (the job whose message failed is withdrawn, as for a single job): the retry finds the batch, creates the
 * jobs that are missing and re-sends every job still queued at hop 0 (a duplicate first message is harmless: the hop's lease and conditional advance absorb it). A batch without a
 * key cannot be retried, so the items that were not queued are failed and counted, and the batch still ends. No
 * {@code job.failed} event is published for them: they were never accepted (the caller's answer says so), and the
 * dispatcher has no right to publish events.
 */
public final class SubmitBatchService implements SubmitBatch {
    private final SluiceConfig config;
    private final InputValidator validator;
    private final JobStore jobs;
    private final WorkQueue work;
    private final Clock clock;

    public SubmitBatchService(SluiceConfig config, JobStore jobs, WorkQueue work, Clock clock) {
        this.config = config;
        this.validator = new InputValidator(config);
        this.jobs = jobs;
        this.work = work;
        this.clock = clock;
    }

    @Override
    public Batch submit(Command command) {
        Pipeline pipeline = validate(command);
        BatchId batchId = command.idempotencyKey()
                .map(key -> BatchId.forKey(command.tenant(), key))
                .orElseGet(BatchId::random);
        Instant now = clock.instant();
        List<Job> items = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>(List.of(pipeline.name()));
        for (int i = 0; i < command.items().size(); i++) {
            Map<String, String> input = command.items().get(i);
            String fingerprint = SubmitJobService.fingerprint(pipeline.name(), input);
            fingerprints.add(fingerprint);
            items.add(Job.queued(
                    JobId.forKey(command.tenant(), batchId.value(), Integer.toString(i)),
                    command.tenant(),
                    pipeline,
                    input,
                    fingerprint,
                    command.correlationId(),
                    Optional.empty(),
                    Optional.of(batchId),
                    command.priority(),
                    command.mode(),
                    command.deadline(),
                    now));
        }
        Batch batch = new Batch(
                batchId,
                command.tenant(),
                pipeline.name(),
                items.stream().map(Job::id).toList(),
                0,
                0,
                command.correlationId(),
                now,
                Optional.of(Hashes.sha256Hex(fingerprints.toArray(String[]::new))));
        // The items' large inputs, written together ahead of the records that will point at them.
        jobs.prepareInputs(items);
        if (!jobs.createBatch(batch)) {
            requireSameItems(command, jobs.findBatch(batchId).orElseThrow(), batch);
        }
        for (int from = 0; from < items.size(); from += WorkQueue.BATCH_SIZE) {
            queue(command, batch, items, from, Math.min(items.size(), from + WorkQueue.BATCH_SIZE));
        }
        return jobs.findBatch(batchId).orElse(batch);
    }

    private Pipeline validate(Command command) {
        Pipeline pipeline = validator.pipeline(command.pipeline());
        int max = config.inputLimits().maxBatchItems();
        if (command.items().isEmpty()) {
            throw InvalidInputException.invalid("items", "a batch needs at least one item");
        }
        if (command.items().size() > max) {
            throw InvalidInputException.tooLarge(
                    "items", "has " + command.items().size() + " items; the limit is " + max);
        }
        for (int i = 0; i < command.items().size(); i++) {
            validator.input(pipeline, command.items().get(i), "items[" + i + "]");
        }
        validator.idempotencyKey(command.idempotencyKey());
        validator.deadline(command.deadline(), clock.instant());
        return pipeline;
    }

    /** A batch recorded before fingerprints were kept is compared by pipeline and size here, item by item later. */
    private static void requireSameItems(Command command, Batch existing, Batch requested) {
        boolean same = existing.itemsFingerprint().isPresent()
                ? existing.itemsFingerprint().equals(requested.itemsFingerprint())
                : existing.total() == requested.total() && existing.pipeline().equals(requested.pipeline());
        if (!same) {
            throw conflict(command, existing.id());
        }
    }

    /**
     * Records items {@code from} to {@code to} (or finds them, on a retry) and sends the first message of each that
     * has not started, in one call. Items are taken in order: a store failure or a conflict stops at its item, and
     * everything recorded before it is still sent. A record whose message was not sent is withdrawn (as for a single
     * job); the items left without a message, and every later one, make the batch incomplete.
     */
    private void queue(Command command, Batch batch, List<Job> items, int from, int to) {
        List<Job> toSend = new ArrayList<>();
        Set<JobId> created = new HashSet<>();
        PortException stopped = null;
        IdempotencyConflictException conflict = null;
        int next = from;
        for (; next < to; next++) {
            Job job = items.get(next);
            JobStore.CreateResult result;
            try {
                result = jobs.create(job);
            } catch (PortException e) {
                stopped = e;
                break;
            }
            if (result instanceof JobStore.CreateResult.Created c) {
                created.add(c.job().id());
                toSend.add(c.job());
            } else if (!result.job().inputFingerprint().equals(job.inputFingerprint())) {
                conflict = conflict(command, job.batchId().orElseThrow());
                break;
            } else if (result.job().status() == JobStatus.QUEUED && result.job().hop() == 0) {
                // A crash (or a failed send) before its message: the retry sends it; a duplicate is harmless.
                toSend.add(result.job());
            }
        }
        List<Job> unqueued = new ArrayList<>();
        List<WorkQueue.Unsent> unsent = work.sendAll(
                toSend.stream().map(job -> Envelope.first(job, job.deadline())).toList());
        for (WorkQueue.Unsent u : unsent) {
            Job job = toSend.get(u.index());
            if (created.contains(job.id())) {
                withdraw(job, u.failure());
            }
            unqueued.add(job);
        }
        if (!unsent.isEmpty() || stopped != null) {
            unqueued.addAll(items.subList(stopped != null ? next : to, items.size()));
            throw unsent.isEmpty()
                    ? incomplete(command, batch, items.size(), unqueued, "job store", stopped)
                    : incomplete(
                            command,
                            batch,
                            items.size(),
                            unqueued,
                            "work queue",
                            unsent.getFirst().failure());
        }
        if (conflict != null) {
            throw conflict;
        }
    }

    /** As for a single job: no record stays queued without a message; the retry creates it again. */
    private void withdraw(Job job, PortException failure) {
        try {
            jobs.withdraw(job.id());
        } catch (PortException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private static IdempotencyConflictException conflict(Command command, BatchId id) {
        return new IdempotencyConflictException("idempotency key '"
                + command.idempotencyKey().orElse("") + "' was already used for batch " + id + " with different items");
    }

    /**
     * What the caller is told: how much was queued and what to do. The dependency's own message (queue URLs,
     * accounts) stays with the cause, for the log.
     */
    private SubmissionIncompleteException incomplete(
            Command command, Batch batch, int total, List<Job> unqueued, String dependency, PortException e) {
        String progress =
                "batch " + batch.id() + ": " + (total - unqueued.size()) + " of " + total + " jobs were queued";
        if (command.idempotencyKey().isPresent()) {
            return new SubmissionIncompleteException(
                    progress + "; retry with the same idempotency key to queue the rest (" + what(dependency, e) + ")",
                    e);
        }
        int failed = failUnqueued(unqueued, what(dependency, e), e);
        return new SubmissionIncompleteException(
                progress + " and will run; " + failed + " could not be queued and were failed (" + what(dependency, e)
                        + "). Send an idempotency key so that a retry can complete a batch.",
                e);
    }

    /** A failure as the caller may read it, without the dependency's words. */
    private static String what(String dependency, PortException e) {
        return "sluice's " + dependency + (e instanceof PermanentException ? " refused it" : " was unavailable");
    }

    /** Ends every item that was not queued, so a batch nobody can retry still ends; stops if the store fails too. */
    private int failUnqueued(List<Job> unqueued, String why, PortException cause) {
        String reason = "could not be queued: " + why;
        int failed = 0;
        try {
            for (Job job : unqueued) {
                // An item has no record here, unless withdrawing it after its send failed failed too.
                boolean ended =
                        jobs.create(job.failed(reason, clock.instant())) instanceof JobStore.CreateResult.Created
                                || jobs.fail(job.id(), reason, clock.instant()).isPresent();
                if (ended) {
                    jobs.countBatchItem(job.batchId().orElseThrow(), job.id(), JobStatus.FAILED);
                    failed++;
                }
            }
        } catch (PortException again) {
            cause.addSuppressed(again);
        }
        return failed;
    }
}
