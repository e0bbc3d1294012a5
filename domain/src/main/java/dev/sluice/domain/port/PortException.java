package dev.sluice.domain.port;

/**
 * How infrastructure failures cross a port: classified once, in the adapter, always keeping the cause.
 * {@link ThrottledException} says when to come back, {@link TransientException} may succeed if tried again,
 * {@link PermanentException} never will.
 */
public abstract sealed class PortException extends RuntimeException
        permits ThrottledException, TransientException, PermanentException {
    protected PortException(String message, Throwable cause) {
        super(message, cause);
    }
}
