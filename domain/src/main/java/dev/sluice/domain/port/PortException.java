package dev.sluice.domain.port;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How infrastructure failures cross a port: classified once, in the adapter, always keeping the cause.
 * {@link ThrottledException} says when to come back, {@link TransientException} may succeed if tried again,
 * {@link PermanentException} never will.
 *
 * <p>Two audiences. The message (and the cause) is the operator's: it may quote the dependency's answer, its
 * hosts and resources. What a tenant may be told is only {@link #kind()} and {@link #status()}: sluice builds the
 * job's reason from those, so no text of a dependency reaches a job, its events or its tenant.
 */
public abstract sealed class PortException extends RuntimeException
        permits ThrottledException, TransientException, PermanentException {
    private final FailureKind kind;
    private final int status;

    protected PortException(String message, Throwable cause) {
        this(message, FailureKind.UNCLASSIFIED, 0, cause);
    }

    /**
     * @param status the dependency's HTTP status, or 0 when it did not answer with one
     */
    protected PortException(String message, FailureKind kind, int status, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "'kind' must not be null");
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("'status' must be an HTTP status or 0, got " + status);
        }
        this.status = status;
    }

    /** What kind of failure it was, as far as the adapter could tell. */
    public FailureKind kind() {
        return kind;
    }

    /** The HTTP status the dependency answered, if it answered. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
