package dev.sluice.domain.port;

/** A model's circuit breaker is open: the call was not made. The pipeline falls back to the next alias. */
public final class CircuitOpenException extends TransientException {
    public CircuitOpenException(String message, Throwable cause) {
        super(message, FailureKind.CIRCUIT_OPEN, 0, cause);
    }
}
