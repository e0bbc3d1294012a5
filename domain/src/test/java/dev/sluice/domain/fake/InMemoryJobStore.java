package dev.sluice.domain.fake;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.port.JobStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Jobs and batches in maps, every change under one lock, following the same conditions as the real store. */
public final class InMemoryJobStore implements JobStore {
    private final Map<JobId, Job> jobs = new HashMap<>();
    private final Map<JobId, Lease> leases = new HashMap<>();
    private final Map<BatchId, Batch> batches = new HashMap<>();
    private final Map<BatchId, Set<JobId>> counted = new HashMap<>();

    private record Lease(int hop, Instant until) {}

    @Override
    public synchronized CreateResult create(Job job) {
        Job existing = jobs.putIfAbsent(job.id(), job);
        return existing == null ? new CreateResult.Created(job) : new CreateResult.Existing(existing);
    }

    @Override
    public synchronized Optional<Job> find(JobId id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized boolean withdraw(JobId id) {
        Job job = jobs.get(id);
        if (job == null || job.status() != JobStatus.QUEUED || job.hop() != 0 || leases.containsKey(id)) {
            return false;
        }
        jobs.remove(id);
        return true;
    }

    @Override
    public synchronized LeaseResult tryLease(JobId id, int hop, Instant now, Instant until) {
        Job job = jobs.get(id);
        if (job == null) {
            return new LeaseResult.Missing();
        }
        if (job.status().isTerminal() || job.hop() != hop) {
            return new LeaseResult.Moved(job);
        }
        Lease lease = leases.get(id);
        if (lease != null && lease.hop() == hop && lease.until().isAfter(now)) {
            return new LeaseResult.Held(lease.until());
        }
        leases.put(id, new Lease(hop, until));
        job = job.running(now);
        jobs.put(id, job);
        return new LeaseResult.Acquired(job);
    }

    @Override
    public synchronized void releaseLease(JobId id, int hop) {
        Lease lease = leases.get(id);
        if (lease != null && lease.hop() == hop) {
            leases.remove(id);
        }
    }

    @Override
    public synchronized Optional<Job> advance(JobId id, HopRecord record, Instant now) {
        Job job = jobs.get(id);
        if (job == null || job.status().isTerminal() || job.hop() != record.hop()) {
            return Optional.empty();
        }
        Job advanced = job.advancedWith(record, now);
        jobs.put(id, advanced);
        leases.remove(id);
        return Optional.of(advanced);
    }

    @Override
    public synchronized Optional<Job> complete(JobId id, String result, Instant now) {
        Job job = jobs.get(id);
        if (job == null || job.status().isTerminal()) {
            return Optional.empty();
        }
        Job done = job.succeeded(result, now);
        jobs.put(id, done);
        return Optional.of(done);
    }

    @Override
    public synchronized Optional<Job> fail(JobId id, String reason, Instant now) {
        Job job = jobs.get(id);
        if (job == null || job.status().isTerminal()) {
            return Optional.empty();
        }
        Job failed = job.failed(reason, now);
        jobs.put(id, failed);
        return Optional.of(failed);
    }

    @Override
    public synchronized boolean createBatch(Batch batch) {
        return batches.putIfAbsent(batch.id(), batch) == null;
    }

    @Override
    public synchronized Optional<Batch> findBatch(BatchId id) {
        return Optional.ofNullable(batches.get(id));
    }

    @Override
    public synchronized Batch countBatchItem(BatchId id, JobId job, JobStatus outcome) {
        Batch batch = batches.get(id);
        if (batch == null) {
            throw new IllegalArgumentException("no batch " + id);
        }
        if (!counted.computeIfAbsent(id, k -> new HashSet<>()).add(job)) {
            return batch;
        }
        Batch updated = new Batch(
                batch.id(),
                batch.tenant(),
                batch.pipeline(),
                batch.jobs(),
                batch.succeeded() + (outcome == JobStatus.SUCCEEDED ? 1 : 0),
                batch.failed() + (outcome == JobStatus.FAILED ? 1 : 0),
                batch.correlationId(),
                batch.createdAt(),
                batch.itemsFingerprint());
        batches.put(id, updated);
        return updated;
    }

    public synchronized Map<JobId, Job> all() {
        return Map.copyOf(jobs);
    }

    public synchronized Map<BatchId, Batch> batches() {
        return Map.copyOf(batches);
    }
}
