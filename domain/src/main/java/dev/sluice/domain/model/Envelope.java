package dev.sluice.domain.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The message that moves a job from one hop to the next. It carries identity only: inputs and earlier outputs
 * are read from the job record, which is the one place they are memoised (large values sit in the blob store
 * behind it), so a message is always small and a redelivered one can never disagree with the record.
 *
 * @param hop the hop to run; {@code hopCount} means "finalize"
 * @param attempt how many times this message has been delivered (1 on first delivery)
 * @param parkedOn the parked call (its line's key) the hop waits on, when it waits for a batch: the hop holds the budget
 *     for that line, and lets it go if it comes back asking a different call
 */
public record Envelope(
        JobId jobId,
        TenantId tenant,
        CorrelationId correlationId,
        String pipeline,
        int hop,
        int attempt,
        Optional<Instant> deadline,
        Optional<String> parkedOn)
        implements QueueMessage {
    public Envelope {
        Objects.requireNonNull(jobId, "'jobId' must not be null");
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        Objects.requireNonNull(pipeline, "'pipeline' must not be null");
        Objects.requireNonNull(deadline, "'deadline' must not be null");
        Objects.requireNonNull(parkedOn, "'parkedOn' must not be null");
        if (hop < 0) {
            throw new IllegalArgumentException("'hop' must not be negative");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("'attempt' must be at least 1");
        }
    }

    /** A hop's message that waits on no parked call. */
    public Envelope(
            JobId jobId,
            TenantId tenant,
            CorrelationId correlationId,
            String pipeline,
            int hop,
            int attempt,
            Optional<Instant> deadline) {
        this(jobId, tenant, correlationId, pipeline, hop, attempt, deadline, Optional.empty());
    }

    public static Envelope first(Job job, Optional<Instant> deadline) {
        return new Envelope(job.id(), job.tenant(), job.correlationId(), job.pipeline(), 0, 1, deadline);
    }

    public Envelope forHop(int target) {
        return new Envelope(jobId, tenant, correlationId, pipeline, target, 1, deadline);
    }

    public Envelope withAttempt(int deliveries) {
        return new Envelope(jobId, tenant, correlationId, pipeline, hop, deliveries, deadline, parkedOn);
    }

    /** This hop's message, waiting on the parked call {@code lineKey}: its next look knows which line it holds for. */
    public Envelope parkedOn(String lineKey) {
        return new Envelope(jobId, tenant, correlationId, pipeline, hop, attempt, deadline, Optional.of(lineKey));
    }
}
