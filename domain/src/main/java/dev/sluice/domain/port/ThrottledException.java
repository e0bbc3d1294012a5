package dev.sluice.domain.port;

import dev.sluice.domain.model.ProviderLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The provider refused for rate reasons; {@link #retryAfter()} is its own hint, or a sensible default, and
 * {@link #reported()} the account's limits if the refusal stated them.
 */
public final class ThrottledException extends PortException {
    private final Duration retryAfter;
    private final ProviderLimits reported;

    public ThrottledException(String message, Duration retryAfter, ProviderLimits reported, Throwable cause) {
        super(message, FailureKind.RATE_LIMITED, 0, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
        this.reported = Objects.requireNonNull(reported, "'reported' must not be null");
    }

    public ThrottledException(String message, Duration retryAfter, Throwable cause) {
        this(message, retryAfter, ProviderLimits.NONE, cause);
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public ProviderLimits reported() {
        return reported;
    }
}
