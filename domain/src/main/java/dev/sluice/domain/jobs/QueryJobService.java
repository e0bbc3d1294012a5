package dev.sluice.domain.jobs;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.usecase.QueryJob;
import java.util.List;
import java.util.Optional;

/** Reads jobs, traces and batches, hiding other tenants' records as if they did not exist. */
public final class QueryJobService implements QueryJob {
    private final JobStore jobs;
    private final TraceStore traces;

    public QueryJobService(JobStore jobs, TraceStore traces) {
        this.jobs = jobs;
        this.traces = traces;
    }

    @Override
    public Optional<Job> job(TenantId tenant, JobId id) {
        return jobs.find(id).filter(job -> job.tenant().equals(tenant));
    }

    @Override
    public Optional<List<HopTrace>> trace(TenantId tenant, JobId id) {
        // What failed along the way is in the providers' own words: the operator's, not the tenant's.
        return job(tenant, id)
                .map(job ->
                        traces.find(job).stream().map(HopTrace::withoutErrors).toList());
    }

    @Override
    public Optional<List<HopTrace>> traceForOperator(JobId id) {
        return jobs.find(id).map(job -> traces.find(job));
    }

    @Override
    public Optional<Batch> batch(TenantId tenant, BatchId id) {
        return jobs.findBatch(id).filter(batch -> batch.tenant().equals(tenant));
    }
}
