package dev.sluice.domain.service;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.TransientException;
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
                clock.instant());
        return switch (jobs.create(job)) {
            case JobStore.CreateResult.Created created -> {
                enqueueFirstHop(created.job());
                yield new Result.Accepted(created.job());
            }
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

    private void enqueueFirstHop(Job job) {
        try {
            work.send(Envelope.first(job, Optional.empty()));
        } catch (TransientException e) {
            // The record exists but nothing will run it: end it now rather than leave it queued forever.
            jobs.fail(job.id(), "could not be queued: " + e.getMessage(), clock.instant());
            throw e;
        }
    }

    /**
     * A crash between recording a job and queueing it would strand it; a client retrying with its idempotency key
     * re-queues it. A duplicate message is harmless: the hop's lease and conditional advance absorb it.
     */
    static void resendIfNeverStarted(Job job, WorkQueue work) {
        if (job.status() == JobStatus.QUEUED && job.hop() == 0) {
            work.send(Envelope.first(job, Optional.empty()));
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
