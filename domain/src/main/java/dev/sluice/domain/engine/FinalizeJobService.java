package dev.sluice.domain.engine;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import java.time.Clock;
import java.util.Optional;

/**
 * Ends a job whose model calls are done: guardrails on the answer, the result stored, the outcome announced. The
 * processor already ended the job when its last answer passed the guardrails (in the memo's write); then this only
 * announces it. A redelivery of a job that already ended announces it again (events are at least once) and changes
 * nothing else.
 */
public final class FinalizeJobService implements FinalizeJob {
    private final SluiceConfig config;
    private final JobStore jobs;
    private final JobEnding ending;
    private final Guardrail guardrail;
    private final Clock clock;

    /** @param structured reads the answers of pipelines whose guardrails ask for JSON */
    public FinalizeJobService(
            SluiceConfig config,
            JobStore jobs,
            EventPublisher events,
            Telemetry telemetry,
            StructuredOutput structured,
            Clock clock) {
        this.config = config;
        this.jobs = jobs;
        this.guardrail = new Guardrail(structured);
        this.ending = new JobEnding(jobs, events, telemetry, clock);
        this.clock = clock;
    }

    @Override
    public HopOutcome finalizeJob(Envelope envelope) {
        Optional<Job> found = jobs.find(envelope.jobId());
        if (found.isEmpty()) {
            return new HopOutcome.Failed("job " + envelope.jobId() + " does not exist");
        }
        Job job = found.get();
        if (job.status().isTerminal()) {
            // Most jobs end in their last hop's memo write (their answer passed the guardrails there): announcing
            // them is this delivery's work. A redelivery announces again (events are at least once).
            ending.announce(job);
            return job.status() == JobStatus.SUCCEEDED ? new HopOutcome.Completed() : new HopOutcome.Duplicate();
        }
        if (job.hop() < job.hopCount()) {
            return new HopOutcome.Retry("job " + job.id() + " is at hop " + job.hop() + " of " + job.hopCount());
        }
        Optional<Pipeline> pipeline = config.pipeline(job.pipeline());
        if (pipeline.isEmpty()) {
            return fail(job, "pipeline '" + job.pipeline() + "' is no longer configured");
        }
        String answer = job.bindings().getOrDefault("steps." + pipeline.get().answerStep(), "");
        Guardrail.Verdict verdict;
        try {
            verdict = guardrail.apply(pipeline.get().guardrails(), answer);
        } catch (RuntimeException | StackOverflowError e) {
            // The same answer would break the guardrail on every delivery: the job fails, it does not dead-letter.
            // The tenant is told what failed; the exception is sluice's own defect, for the operator's log.
            String reason = "the output guardrails could not check the answer (internal error)";
            ending.fail(job, reason);
            return new HopOutcome.Failed(reason, "guardrails: " + Failures.detail(e));
        }
        return switch (verdict) {
            case Guardrail.Verdict.Rejected rejected -> fail(job, rejected.reason());
            case Guardrail.Verdict.Passed passed -> {
                Optional<Job> done = jobs.complete(job, passed.text(), clock.instant());
                if (done.isEmpty()) {
                    yield new HopOutcome.Duplicate();
                }
                ending.announce(done.get());
                yield new HopOutcome.Completed();
            }
        };
    }

    @Override
    public void abandon(Envelope envelope, String reason) {
        jobs.find(envelope.jobId()).ifPresent(job -> ending.fail(job, reason));
    }

    private HopOutcome fail(Job job, String reason) {
        ending.fail(job, reason);
        return new HopOutcome.Failed(reason);
    }
}
