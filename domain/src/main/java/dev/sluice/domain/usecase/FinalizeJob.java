package dev.sluice.domain.usecase;

import dev.sluice.domain.model.Envelope;

/** Applies the pipeline's guardrails to the answer, stores it, and announces the outcome. */
public interface FinalizeJob {
    HopOutcome finalizeJob(Envelope envelope);

    /** Fails a job whose message could not be processed (e.g. it reached a dead-letter queue). */
    void abandon(Envelope envelope, String reason);
}
