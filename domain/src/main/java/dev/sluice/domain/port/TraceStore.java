package dev.sluice.domain.port;

import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import java.util.List;
import java.util.Optional;

/**
 * One record per hop of a job (S3 in AWS): what an operator reads to understand an answer.
 *
 * <p>Contract: the engine asks {@link #place} where a hop's trace will be kept before it memoises the hop, writes
 * the answer on the memo ({@link dev.sluice.domain.model.HopRecord#traceAt()}), and then records the trace; a store
 * may keep several hops' traces together and write them later, and {@link #find} reads them back by what the job's
 * memo says. Recording the same hop again replaces it; {@link #find} returns the job's records ordered by hop, empty
 * when there are none, each as recorded but for three parts of an answered hop's {@link HopTrace.Answered#record()}
 * that a store need not keep: its outputs (the job's memo has them; the trace has the response and the chunks they
 * were made of), where it was placed (the memo has that too), and whether the tenant was told of a cache hit, which
 * a store may read back as a hit without usage (as every hit the tenant is told of is). A trace kept for a later
 * write may be lost with the process that held it: a trace is the operator's, and losing one never loses a job.
 * Failures: {@link TransientException}.
 */
public interface TraceStore {
    /** Where {@link #record} will keep the trace of this hop; empty when {@link #find} needs no pointer to it. */
    default Optional<String> place(JobId job, int hop) {
        return Optional.empty();
    }

    void record(HopTrace trace);

    /** The traces of {@code job}'s hops, the ones its memo places included. */
    List<HopTrace> find(Job job);
}
