package dev.sluice.domain.model;

/** Lifecycle of a job. Every accepted job ends {@link #SUCCEEDED} or {@link #FAILED}. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
