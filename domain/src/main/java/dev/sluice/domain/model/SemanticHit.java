package dev.sluice.domain.model;

import java.util.Locale;
import java.util.Objects;

/** A hop answered by the semantic cache: how alike its inputs were to the earlier ones, and whose answer it reused. */
public record SemanticHit(double similarity, JobId fromJob) {
    public SemanticHit {
        Objects.requireNonNull(fromJob, "'fromJob' must not be null");
    }

    /** "semantic hit, similarity 0.97, answered from job job_..." */
    public String describe() {
        return String.format(Locale.ROOT, "semantic hit, similarity %.2f, answered from job %s", similarity, fromJob);
    }
}
