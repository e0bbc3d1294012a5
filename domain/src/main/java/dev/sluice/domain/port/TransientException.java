package dev.sluice.domain.port;

/** A failure that may pass if tried again later: 5xx, timeout, connection reset. */
public non-sealed class TransientException extends PortException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param status the dependency's HTTP status, or 0 when it did not answer with one
     */
    public TransientException(String message, FailureKind kind, int status, Throwable cause) {
        super(message, kind, status, cause);
    }
}
