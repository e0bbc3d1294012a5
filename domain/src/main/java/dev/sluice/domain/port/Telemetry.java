package dev.sluice.domain.port;

import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;

/** The pipeline's metrics (EMF in AWS). Implementations must not throw: metrics never fail a job. */
public interface Telemetry {
    Telemetry NONE = new Telemetry() {};

    default void modelCalled(String alias, String modelId, Duration latency, TokenUsage usage, Cost cost) {}

    /** A call parked in its model's batch. */
    default void batchParked(String alias) {}

    /** A parked call's batch answer, picked up by its hop and paid at the batch prices. */
    default void batchAnswered(String alias, String modelId, TokenUsage usage, Cost cost) {}

    /** A window's lines sent as one provider batch. */
    default void batchSubmitted(String alias, int lines) {}

    default void cacheLookup(boolean hit) {}

    /** A step with a semantic cache asked it, after the exact-match cache missed. */
    default void semanticLookup(boolean hit) {}

    /** The semantic cache could not be asked or written ({@code what}); the hop went on as a miss. */
    default void semanticCacheFailed(String what, RuntimeException e) {}

    default void throttled(String alias) {}

    /** A hop found its tenant's {@code period} ("daily", "monthly") budget spent. */
    default void overBudget(String period) {}

    /** The spend ledger could not record a settled call or give back a hold; the hop went on. */
    default void spendUnrecorded() {}

    default void deferred(Duration delay) {}

    default void fallbackUsed(String from, String to) {}

    default void hopFinished(String pipeline, String outcome, Duration duration) {}

    /** A hop's trace record could not be written; the hop itself succeeded. */
    default void traceLost() {}

    default void jobFinished(String pipeline, JobStatus status, Duration duration) {}
}
