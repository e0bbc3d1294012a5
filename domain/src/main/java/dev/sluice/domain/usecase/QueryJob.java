package dev.sluice.domain.usecase;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import java.util.List;
import java.util.Optional;

/** The read side: a job, its trace, a batch; each visible only to its tenant (others see nothing, not a refusal). */
public interface QueryJob {
    Optional<Job> job(TenantId tenant, JobId id);

    /** The tenant's own job's trace, without {@link HopTrace#errors()} (the providers' words are the operator's). */
    Optional<List<HopTrace>> trace(TenantId tenant, JobId id);

    /**
     * Any job's full trace, whoever owns it, with what failed along the way in the providers' own words: for the
     * deployment's operators only (callers check the scope).
     */
    Optional<List<HopTrace>> traceForOperator(JobId id);

    Optional<Batch> batch(TenantId tenant, BatchId id);
}
