package dev.sluice.domain.port;

/** A failure that will not pass by trying again: bad credentials, invalid request, content filtered, context too long. */
public final class PermanentException extends PortException {
    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param status the dependency's HTTP status, or 0 when it did not answer with one
     */
    public PermanentException(String message, FailureKind kind, int status, Throwable cause) {
        super(message, kind, status, cause);
    }
}
