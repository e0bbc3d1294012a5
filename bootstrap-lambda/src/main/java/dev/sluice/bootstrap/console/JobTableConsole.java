package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.TraceStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What the local console and a stack's read the same way: the newest jobs and a job from the job table, its traces
 * from the trace store, the dead letters from the queues. Each place adds what only it knows.
 */
public abstract class JobTableConsole implements ConsoleSource {
    private final DynamoDbJobStore jobs;
    private final TraceStore traces;
    private final DeadLetterQueues queues;
    private final Clock clock;

    protected JobTableConsole(DynamoDbJobStore jobs, TraceStore traces, DeadLetterQueues queues, Clock clock) {
        this.jobs = jobs;
        this.traces = traces;
        this.queues = queues;
        this.clock = clock;
    }

    protected final DeadLetterQueues queues() {
        return queues;
    }

    protected final Clock clock() {
        return clock;
    }

    @Override
    public List<DynamoDbJobStore.JobSummary> recentJobs() {
        return jobs.recentJobs(LISTED, clock.instant());
    }

    @Override
    public Optional<Job> job(String id) {
        try {
            return jobs.find(new JobId(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    @Override
    public List<HopTrace> traces(Job job) {
        return traces.find(job);
    }

    @Override
    public List<DeadLetterQueues.DeadLetters> deadLetters(int limit) {
        return queues.deadLetters(limit, jobs::find);
    }
}
