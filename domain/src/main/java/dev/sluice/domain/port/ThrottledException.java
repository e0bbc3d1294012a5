package dev.sluice.domain.port;

import java.time.Duration;
import java.util.Objects;

/** The provider refused for rate reasons; {@link #retryAfter()} is its own hint, or a sensible default. */
public final class ThrottledException extends PortException {
    private final Duration retryAfter;

    public ThrottledException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
