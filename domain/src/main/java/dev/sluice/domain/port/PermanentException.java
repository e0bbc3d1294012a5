package dev.sluice.domain.port;

/** A failure that will not pass by trying again: bad credentials, invalid request, content filtered, context too long. */
public final class PermanentException extends PortException {
    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }
}
