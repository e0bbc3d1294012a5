package dev.sluice.domain.usecase;

import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;

/**
 * A batch that could not be queued whole because a dependency failed; the message says what was queued and what the
 * caller can do (HTTP 503 when trying again may pass, 500 otherwise). The cause is the port failure.
 */
public final class SubmissionIncompleteException extends RuntimeException {
    public SubmissionIncompleteException(String message, PortException cause) {
        super(message, cause);
    }

    /** Whether the failure may pass if the caller tries again. */
    public boolean retryable() {
        return getCause() instanceof TransientException || getCause() instanceof ThrottledException;
    }
}
