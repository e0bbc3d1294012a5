package dev.sluice.domain.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Jobs submitted together, with progress counters updated as each job ends.
 *
 * @param itemsFingerprint a hash of pipeline and every item in order, to tell an idempotent retry from a key reused
 *     for other items; empty on batches recorded before it was kept
 */
public record Batch(
        BatchId id,
        TenantId tenant,
        String pipeline,
        List<JobId> jobs,
        int succeeded,
        int failed,
        CorrelationId correlationId,
        Instant createdAt,
        Optional<String> itemsFingerprint) {
    public Batch {
        Objects.requireNonNull(id, "'id' must not be null");
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(pipeline, "'pipeline' must not be null");
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        Objects.requireNonNull(createdAt, "'createdAt' must not be null");
        Objects.requireNonNull(itemsFingerprint, "'itemsFingerprint' must not be null");
        if (succeeded < 0 || failed < 0 || succeeded + failed > jobs.size()) {
            throw new IllegalArgumentException("batch counters out of range");
        }
    }

    /** A batch whose items are not fingerprinted (as read from an event, or recorded before fingerprints). */
    public Batch(
            BatchId id,
            TenantId tenant,
            String pipeline,
            List<JobId> jobs,
            int succeeded,
            int failed,
            CorrelationId correlationId,
            Instant createdAt) {
        this(id, tenant, pipeline, jobs, succeeded, failed, correlationId, createdAt, Optional.empty());
    }

    public int total() {
        return jobs.size();
    }

    public boolean isDone() {
        return succeeded + failed == jobs.size();
    }
}
