package dev.sluice.domain.service;

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
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates every item first (a bad item refuses the whole batch, nothing recorded), then records the batch with a
 * fingerprint of its items and one job per item with ids derived from the batch id, queueing each as it goes.
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
        if (!jobs.createBatch(batch)) {
            requireSameItems(command, jobs.findBatch(batchId).orElseThrow(), batch);
        }
        for (int i = 0; i < items.size(); i++) {
            try {
                queue(command, items.get(i));
            } catch (PortException e) {
                throw incomplete(command, batch, items, i, e);
            }
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

    private void queue(Command command, Job job) {
        switch (jobs.create(job)) {
            case JobStore.CreateResult.Created created -> {
                try {
                    work.send(Envelope.first(created.job(), Optional.empty()));
                } catch (PortException e) {
                    // As for a single job: no record stays queued without a message; the retry creates it again.
                    try {
                        jobs.withdraw(created.job().id());
                    } catch (PortException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
            }
            case JobStore.CreateResult.Existing existing -> {
                if (!existing.job().inputFingerprint().equals(job.inputFingerprint())) {
                    throw conflict(command, job.batchId().orElseThrow());
                }
                SubmitJobService.resendIfNeverStarted(existing.job(), work);
            }
        }
    }

    private static IdempotencyConflictException conflict(Command command, BatchId id) {
        return new IdempotencyConflictException("idempotency key '"
                + command.idempotencyKey().orElse("") + "' was already used for batch " + id + " with different items");
    }

    private SubmissionIncompleteException incomplete(
            Command command, Batch batch, List<Job> items, int queued, PortException e) {
        String progress = "batch " + batch.id() + ": " + queued + " of " + items.size() + " jobs were queued";
        if (command.idempotencyKey().isPresent()) {
            return new SubmissionIncompleteException(
                    progress + "; retry with the same idempotency key to queue the rest (" + e.getMessage() + ")", e);
        }
        int failed = failUnqueued(items.subList(queued, items.size()), e);
        return new SubmissionIncompleteException(
                progress + " and will run; " + failed + " could not be queued and were failed (" + e.getMessage()
                        + "). Send an idempotency key so that a retry can complete a batch.",
                e);
    }

    /** Ends every item that was not queued, so a batch nobody can retry still ends; stops if the store fails too. */
    private int failUnqueued(List<Job> unqueued, PortException cause) {
        String reason = "could not be queued: " + cause.getMessage();
        int failed = 0;
        try {
            for (Job job : unqueued) {
                // No item from here on has a record, unless withdrawing the one whose send failed failed too.
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
