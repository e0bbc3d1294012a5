package dev.sluice.domain.jobs;

import dev.sluice.domain.config.SluiceConfig;
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
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Records a job once per idempotency key and queues its first hop. */
public final class SubmitJobService implements SubmitJob {
    private final InputValidator validator;
    private final JobStore jobs;
    private final WorkQueue work;
    private final Clock clock;

    public SubmitJobService(SluiceConfig config, JobStore jobs, WorkQueue work, Clock clock) {
        this.validator = new InputValidator(config);
        this.jobs = jobs;
        this.work = work;
        this.clock = clock;
    }

    @Override
    public Result submit(Command command) {
        Pipeline pipeline = validator.pipeline(command.pipeline());
        validator.input(pipeline, command.input(), "input");
        validator.idempotencyKey(command.idempotencyKey());
        validator.deadline(command.deadline(), clock.instant());
        JobId id = command.idempotencyKey()
                .map(key -> JobId.forKey(command.tenant(), "job", key))
                .orElseGet(JobId::random);
        Job job = Job.queued(
                id,
                command.tenant(),
                pipeline,
                command.input(),
                fingerprint(pipeline.name(), command.input()),
                command.correlationId(),
                command.idempotencyKey(),
                Optional.empty(),
                command.priority(),
                command.mode(),
                command.deadline(),
                clock.instant());
        return switch (jobs.create(job)) {
            case JobStore.CreateResult.Created created -> new Result.Accepted(enqueueFirstHop(created.job()));
            case JobStore.CreateResult.Existing existing -> {
                Job old = existing.job();
                if (!old.inputFingerprint().equals(job.inputFingerprint())) {
                    yield new Result.Conflict(
                            old,
                            "idempotency key '" + command.idempotencyKey().orElse("") + "' was already used for job "
                                    + old.id() + " with a different pipeline or input");
                }
                resendIfNeverStarted(old, work);
                yield new Result.Duplicate(old);
            }
        };
    }

    /**
     * Record and message, or neither: if the first message cannot be sent the record is withdrawn, so nothing sits
     * queued with no message, and a retry with the same idempotency key starts afresh. If withdrawing finds the job
     * already picked up, the message got through after all and the job is accepted.
     */
    private Job enqueueFirstHop(Job job) {
        try {
            work.send(Envelope.first(job, job.deadline()));
            return job;
        } catch (PortException e) {
            try {
                if (!jobs.withdraw(job.id())) {
                    Optional<Job> now = jobs.find(job.id());
                    if (now.isPresent()) {
                        return now.get();
                    }
                }
            } catch (PortException cleanup) {
                e.addSuppressed(cleanup);
                endIfNobodyCanRetry(job, e);
            }
            throw e;
        }
    }

    /**
     * The record could not be withdrawn either (the store is failing too). With an idempotency key the client's
     * retry sends the message ({@link #resendIfNeverStarted}); without one nobody can, so the job is failed if the
     * store lets us, rather than left queued forever.
     */
    private void endIfNobodyCanRetry(Job job, PortException e) {
        if (job.idempotencyKey().isPresent()) {
            return;
        }
        try {
            // The reason is shown to the job's caller: the queue's own message (its URL, the account) is not.
            jobs.fail(
                    job.id(),
                    "could not be queued: sluice's work queue "
                            + (e instanceof PermanentException ? "refused it" : "was unavailable"),
                    clock.instant());
        } catch (PortException again) {
            e.addSuppressed(again);
        }
    }

    /**
     * A crash between recording a job and queueing it would strand it; a client retrying with its idempotency key
     * re-queues it. A duplicate message is harmless: the hop's lease and conditional advance absorb it.
     */
    static void resendIfNeverStarted(Job job, WorkQueue work) {
        if (job.status() == JobStatus.QUEUED && job.hop() == 0) {
            work.send(Envelope.first(job, job.deadline()));
        }
    }

    static String fingerprint(String pipeline, Map<String, String> input) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(input)
                .forEach(
                        (k, v) -> canonical.append(k).append('\u0000').append(v).append('\u0000'));
        return Hashes.sha256Hex(pipeline, canonical.toString());
    }
}
