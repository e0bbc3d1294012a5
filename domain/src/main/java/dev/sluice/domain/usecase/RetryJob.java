package dev.sluice.domain.usecase;

import dev.sluice.domain.model.JobId;

/**
 * An operator's "try again": a FAILED job is reopened at the hop where it stopped (its memoised hops are not run or
 * paid again) and that hop is queued; a job still running gets its current hop queued again (harmless if a copy is
 * already on its way: the lease and the conditional memo make it a duplicate). A job that succeeded is left alone.
 */
public interface RetryJob {
    Result retry(JobId id);

    /** What the retry did, in words an operator can print. */
    sealed interface Result {
        String describe();

        /** The job had failed; it runs again from {@code hop}. */
        record Reopened(JobId job, int hop, String previousReason) implements Result {
            @Override
            public String describe() {
                return job + ": reopened, running hop " + hop + " again (it had failed: " + previousReason + ")";
            }
        }

        /** The job was still running; its hop {@code hop} is queued again. */
        record Resent(JobId job, int hop) implements Result {
            @Override
            public String describe() {
                return job + ": still running, hop " + hop + " queued again";
            }
        }

        record AlreadySucceeded(JobId job) implements Result {
            @Override
            public String describe() {
                return job + ": already succeeded, nothing to do";
            }
        }

        record Missing(JobId job) implements Result {
            @Override
            public String describe() {
                return job + ": no such job";
            }
        }
    }
}
