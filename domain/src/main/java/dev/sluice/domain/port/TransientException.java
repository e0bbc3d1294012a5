package dev.sluice.domain.port;

/** A failure that may pass if tried again later: 5xx, timeout, connection reset. */
public non-sealed class TransientException extends PortException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
