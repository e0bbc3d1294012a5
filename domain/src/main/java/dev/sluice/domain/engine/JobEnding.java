package dev.sluice.domain.engine;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What follows a job's end: its event, its batch's counters, its metrics. Safe to repeat (events are at least
 * once, counting is idempotent), so a redelivered message can repeat it after a crash.
 */
final class JobEnding {
    private final JobStore jobs;
    private final EventPublisher events;
    private final Telemetry telemetry;
    private final Clock clock;

    JobEnding(JobStore jobs, EventPublisher events, Telemetry telemetry, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** Fails the job if it is still running and announces it; returns the failed job, or empty if it had ended. */
    Optional<Job> fail(Job job, String reason) {
        Optional<Job> failed = jobs.fail(job.id(), reason, clock.instant());
        failed.ifPresent(this::announce);
        return failed;
    }

    void announce(Job job) {
        if (!job.status().isTerminal()) {
            throw new IllegalArgumentException("job " + job.id() + " has not ended");
        }
        var now = clock.instant();
        events.publish(
                job.status() == JobStatus.SUCCEEDED
                        ? new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), now)
                        : new DomainEvent.JobFailed(job, job.correlationId(), job.tenant(), now));
        telemetry.jobFinished(job.pipeline(), job.status(), Duration.between(job.createdAt(), job.updatedAt()));
        if (job.batchId().isPresent()) {
            Batch batch = jobs.countBatchItem(job.batchId().get(), job.id(), job.status());
            if (batch.isDone()) {
                events.publish(new DomainEvent.BatchCompleted(batch, batch.correlationId(), batch.tenant(), now));
            }
        }
    }
}
