package dev.sluice.domain.port;

import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import java.util.List;

/**
 * One record per hop of a job (S3 under the job in AWS): what an operator reads to understand an answer.
 *
 * <p>Contract: recording the same hop again replaces it; {@link #find} returns the job's records ordered by hop,
 * empty when there are none, each as recorded but for two parts of an answered hop's {@link HopTrace.Answered#record()}
 * that a store need not keep: its outputs (the job's memo has them; the trace has the response and the chunks they
 * were made of), and whether the tenant was told of a cache hit, which a store may read back as a hit without usage
 * (as every hit the tenant is told of is). Failures: {@link TransientException}.
 */
public interface TraceStore {
    void record(HopTrace trace);

    List<HopTrace> find(JobId job);
}
