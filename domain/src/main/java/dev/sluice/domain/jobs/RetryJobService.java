package dev.sluice.domain.jobs;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.RetryJob;
import java.time.Clock;
import java.util.Optional;

/**
 * Reopens a failed job, or re-queues a running one, at the hop where it stands. The retried hop runs without the
 * original deadline: an operator asking for another try means now.
 */
public final class RetryJobService implements RetryJob {
    private final JobStore jobs;
    private final WorkQueue work;
    private final WorkQueue finalizeQueue;
    private final Clock clock;

    public RetryJobService(JobStore jobs, WorkQueue work, WorkQueue finalizeQueue, Clock clock) {
        this.jobs = jobs;
        this.work = work;
        this.finalizeQueue = finalizeQueue;
        this.clock = clock;
    }

    @Override
    public Result retry(JobId id) {
        Optional<Job> found = jobs.find(id);
        if (found.isEmpty()) {
            return new Result.Missing(id);
        }
        Job job = found.get();
        return switch (job.status()) {
            case SUCCEEDED -> new Result.AlreadySucceeded(id);
            case QUEUED, RUNNING -> {
                send(job);
                yield new Result.Resent(id, job.hop());
            }
            case FAILED -> {
                String reason = job.failureReason().orElse("no reason recorded");
                Optional<Job> reopened = jobs.reopen(id, clock.instant());
                if (reopened.isEmpty()) {
                    // Reopened or ended by someone else in between: look again.
                    yield retry(id);
                }
                job.batchId().ifPresent(batch -> jobs.uncountBatchItem(batch, id));
                send(reopened.get());
                yield new Result.Reopened(id, reopened.get().hop(), reason);
            }
        };
    }

    private void send(Job job) {
        Envelope envelope = Envelope.first(job, Optional.empty()).forHop(job.hop());
        (job.hop() >= job.hopCount() ? finalizeQueue : work).send(envelope);
    }
}
