package dev.sluice.domain.model;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to run one pipeline on one input, and everything known about its progress.
 *
 * @param hop the next hop to run; equal to {@code hopCount} once every model call is done and only finalizing is left
 * @param hops the memo of every completed hop, in order
 * @param inputFingerprint a hash of pipeline and input, to tell an idempotent retry from a conflicting reuse of a key
 * @param priority how soon its model calls want admission within its tenant's share
 * @param mode whether its model calls may go through the providers' batch APIs, whatever its pipeline says
 * @param deadline when the job must have ended, if the request said ({@code "deadline"}): a hop started after it
 *     fails the job, and a model call whose batch route can answer before it (with an hour to spare) goes that way
 */
public record Job(
        JobId id,
        TenantId tenant,
        String pipeline,
        JobStatus status,
        int hop,
        int hopCount,
        Map<String, String> input,
        String inputFingerprint,
        List<HopRecord> hops,
        CorrelationId correlationId,
        Optional<String> idempotencyKey,
        Optional<BatchId> batchId,
        Priority priority,
        Optional<String> result,
        Optional<String> failureReason,
        Instant createdAt,
        Instant updatedAt,
        Mode mode,
        Optional<Instant> deadline) {

    public Job {
        Objects.requireNonNull(id, "'id' must not be null");
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(pipeline, "'pipeline' must not be null");
        Objects.requireNonNull(status, "'status' must not be null");
        if (hop < 0 || hop > hopCount) {
            throw new IllegalArgumentException("'hop' must be between 0 and hopCount (" + hopCount + "), got " + hop);
        }
        input = Map.copyOf(input);
        Objects.requireNonNull(inputFingerprint, "'inputFingerprint' must not be null");
        hops = List.copyOf(hops);
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        Objects.requireNonNull(idempotencyKey, "'idempotencyKey' must not be null");
        Objects.requireNonNull(batchId, "'batchId' must not be null");
        Objects.requireNonNull(priority, "'priority' must not be null");
        Objects.requireNonNull(result, "'result' must not be null");
        Objects.requireNonNull(failureReason, "'failureReason' must not be null");
        Objects.requireNonNull(createdAt, "'createdAt' must not be null");
        Objects.requireNonNull(updatedAt, "'updatedAt' must not be null");
        Objects.requireNonNull(mode, "'mode' must not be null");
        Objects.requireNonNull(deadline, "'deadline' must not be null");
    }

    /** A job whose model calls are made as its pipeline says, with no deadline of its own. */
    public Job(
            JobId id,
            TenantId tenant,
            String pipeline,
            JobStatus status,
            int hop,
            int hopCount,
            Map<String, String> input,
            String inputFingerprint,
            List<HopRecord> hops,
            CorrelationId correlationId,
            Optional<String> idempotencyKey,
            Optional<BatchId> batchId,
            Priority priority,
            Optional<String> result,
            Optional<String> failureReason,
            Instant createdAt,
            Instant updatedAt) {
        this(
                id,
                tenant,
                pipeline,
                status,
                hop,
                hopCount,
                input,
                inputFingerprint,
                hops,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                result,
                failureReason,
                createdAt,
                updatedAt,
                Mode.LIVE,
                Optional.empty());
    }

    /** A new job, queued at hop 0. */
    public static Job queued(
            JobId id,
            TenantId tenant,
            Pipeline pipeline,
            Map<String, String> input,
            String inputFingerprint,
            CorrelationId correlationId,
            Optional<String> idempotencyKey,
            Optional<BatchId> batchId,
            Priority priority,
            Instant now) {
        return queued(
                id,
                tenant,
                pipeline,
                input,
                inputFingerprint,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                Mode.LIVE,
                now);
    }

    /** A new job, queued at hop 0, its model calls made live or through the batch APIs as {@code mode} says. */
    public static Job queued(
            JobId id,
            TenantId tenant,
            Pipeline pipeline,
            Map<String, String> input,
            String inputFingerprint,
            CorrelationId correlationId,
            Optional<String> idempotencyKey,
            Optional<BatchId> batchId,
            Priority priority,
            Mode mode,
            Instant now) {
        return queued(
                id,
                tenant,
                pipeline,
                input,
                inputFingerprint,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                mode,
                Optional.empty(),
                now);
    }

    /**
     * A new job, queued at hop 0, to end by {@code deadline} if it has one: a hop started after it fails the job, and
     * a model call with a batch route whose window the deadline leaves room for goes through the batch API.
     */
    public static Job queued(
            JobId id,
            TenantId tenant,
            Pipeline pipeline,
            Map<String, String> input,
            String inputFingerprint,
            CorrelationId correlationId,
            Optional<String> idempotencyKey,
            Optional<BatchId> batchId,
            Priority priority,
            Mode mode,
            Optional<Instant> deadline,
            Instant now) {
        return new Job(
                id,
                tenant,
                pipeline.name(),
                JobStatus.QUEUED,
                0,
                pipeline.hopCount(),
                input,
                inputFingerprint,
                List.of(),
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                Optional.empty(),
                Optional.empty(),
                now,
                now,
                mode,
                deadline);
    }

    /** This job after {@code record} was memoised: one hop further, running. */
    public Job advancedWith(HopRecord record, Instant now) {
        if (record.hop() != hop) {
            throw new IllegalArgumentException("record is for hop " + record.hop() + " but the job is at hop " + hop);
        }
        List<HopRecord> all = new java.util.ArrayList<>(hops);
        all.add(record);
        return new Job(
                id,
                tenant,
                pipeline,
                JobStatus.RUNNING,
                hop + 1,
                hopCount,
                input,
                inputFingerprint,
                all,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                result,
                failureReason,
                createdAt,
                now,
                mode,
                deadline);
    }

    /** This job picked up by a processor (a queued job becomes running; others are unchanged). */
    public Job running(Instant now) {
        if (status != JobStatus.QUEUED) {
            return this;
        }
        return new Job(
                id,
                tenant,
                pipeline,
                JobStatus.RUNNING,
                hop,
                hopCount,
                input,
                inputFingerprint,
                hops,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                result,
                failureReason,
                createdAt,
                now,
                mode,
                deadline);
    }

    public Job succeeded(String answer, Instant now) {
        return new Job(
                id,
                tenant,
                pipeline,
                JobStatus.SUCCEEDED,
                hop,
                hopCount,
                input,
                inputFingerprint,
                hops,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                Optional.of(answer),
                Optional.empty(),
                createdAt,
                now,
                mode,
                deadline);
    }

    public Job failed(String reason, Instant now) {
        return new Job(
                id,
                tenant,
                pipeline,
                JobStatus.FAILED,
                hop,
                hopCount,
                input,
                inputFingerprint,
                hops,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                Optional.empty(),
                Optional.of(reason),
                createdAt,
                now,
                mode,
                deadline);
    }

    /** This job, FAILED before, running again from the hop where it stopped; its memoised hops are kept. */
    public Job reopened(Instant now) {
        if (status != JobStatus.FAILED) {
            throw new IllegalStateException("only a failed job can be reopened; " + id + " is " + status);
        }
        return new Job(
                id,
                tenant,
                pipeline,
                JobStatus.RUNNING,
                hop,
                hopCount,
                input,
                inputFingerprint,
                hops,
                correlationId,
                idempotencyKey,
                batchId,
                priority,
                Optional.empty(),
                Optional.empty(),
                createdAt,
                now,
                mode,
                deadline);
    }

    /** Input fields as {@code input.<name>} and every memoised step output as {@code steps.<name>}. */
    public Map<String, String> bindings() {
        Map<String, String> bindings = new HashMap<>();
        input.forEach((k, v) -> bindings.put("input." + k, v));
        for (HopRecord record : hops) {
            record.outputs().forEach((k, v) -> bindings.put("steps." + k, v));
        }
        return bindings;
    }

    public TokenUsage totalUsage() {
        return hops.stream().map(HopRecord::usage).reduce(TokenUsage.ZERO, TokenUsage::plus);
    }

    public Cost totalCost() {
        return hops.stream().map(HopRecord::cost).reduce(Cost.ZERO, Cost::plus);
    }
}
