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
import java.util.Map;
import java.util.Optional;

/** Jobs and batches in maps, every change under one lock, following the same conditions as the real store. */
public final class InMemoryJobStore implements JobStore {
    private final Map<JobId, Job> jobs = new HashMap<>();
    private final Map<JobId, Lease> leases = new HashMap<>();
    private final Map<BatchId, Batch> batches = new HashMap<>();
    private final Map<BatchId, Map<JobId, JobStatus>> counted = new HashMap<>();
    private final Map<JobId, Integer> attempts = new HashMap<>();

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
        int attempt = attempts.merge(id, 1, Integer::sum);
        job = job.running(now);
        jobs.put(id, job);
        return new LeaseResult.Acquired(job, attempt);
    }

    @Override
    public synchronized void releaseLease(JobId id, int hop, Release how) {
        Lease lease = leases.get(id);
        if (lease != null && lease.hop() == hop) {
            leases.remove(id);
            if (how == Release.REFUNDED) {
                attempts.computeIfPresent(id, (k, n) -> n - 1);
            }
        }
    }

    @Override
    public synchronized Optional<Job> reopen(JobId id, Instant now) {
        Job job = jobs.get(id);
        if (job == null || job.status() != JobStatus.FAILED) {
            return Optional.empty();
        }
        Job reopened = job.reopened(now);
        jobs.put(id, reopened);
        leases.remove(id);
        attempts.remove(id);
        return Optional.of(reopened);
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
        attempts.remove(id);
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
        if (counted.computeIfAbsent(id, k -> new HashMap<>()).putIfAbsent(job, outcome) != null) {
            return batch;
        }
        Batch updated = recounted(batch);
        batches.put(id, updated);
        return updated;
    }

    @Override
    public synchronized void uncountBatchItem(BatchId id, JobId job) {
        Batch batch = batches.get(id);
        if (batch != null && counted.getOrDefault(id, Map.of()).containsKey(job)) {
            counted.get(id).remove(job);
            batches.put(id, recounted(batch));
        }
    }

    private Batch recounted(Batch batch) {
        var outcomes = counted.getOrDefault(batch.id(), Map.of()).values();
        return new Batch(
                batch.id(),
                batch.tenant(),
                batch.pipeline(),
                batch.jobs(),
                (int) outcomes.stream().filter(o -> o == JobStatus.SUCCEEDED).count(),
                (int) outcomes.stream().filter(o -> o == JobStatus.FAILED).count(),
                batch.correlationId(),
                batch.createdAt(),
                batch.itemsFingerprint());
    }

    public synchronized Map<JobId, Job> all() {
        return Map.copyOf(jobs);
    }

    public synchronized Map<BatchId, Batch> batches() {
        return Map.copyOf(batches);
    }
}
