package dev.sluice.domain.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Jobs submitted together, with progress counters updated as each job ends. */
public record Batch(
        BatchId id,
        TenantId tenant,
        String pipeline,
        List<JobId> jobs,
        int succeeded,
        int failed,
        CorrelationId correlationId,
        Instant createdAt) {
    public Batch {
        Objects.requireNonNull(id, "'id' must not be null");
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(pipeline, "'pipeline' must not be null");
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        Objects.requireNonNull(createdAt, "'createdAt' must not be null");
        if (succeeded < 0 || failed < 0 || succeeded + failed > jobs.size()) {
            throw new IllegalArgumentException("batch counters out of range");
        }
    }

    public int total() {
        return jobs.size();
    }

    public boolean isDone() {
        return succeeded + failed == jobs.size();
    }
}
