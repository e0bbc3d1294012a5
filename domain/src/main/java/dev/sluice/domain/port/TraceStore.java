package dev.sluice.domain.port;

import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import java.util.List;

/**
 * One record per hop of a job (S3 under the job in AWS): what an operator reads to understand an answer.
 *
 * <p>Contract: recording the same hop again replaces it; {@link #find} returns the job's records ordered by hop,
 * empty when there are none. Failures: {@link TransientException}.
 */
public interface TraceStore {
    void record(HopTrace trace);

    List<HopTrace> find(JobId job);
}
