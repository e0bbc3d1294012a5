package dev.sluice.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a model takes work that can wait: through its provider's batch API, at the batch prices. Calls parked in one
 * window of {@code every} are sent as one provider batch when the window ends; the provider answers within
 * {@code window} (OpenAI and Anthropic promise 24 hours).
 */
public record BatchRoute(Duration every, Duration window, Prices prices) {
    /** How long past its window a line may wait before its hop gives up on the batch and asks live. */
    public static final Duration GRACE = Duration.ofHours(1);

    public BatchRoute {
        Objects.requireNonNull(every, "'every' must not be null");
        Objects.requireNonNull(window, "'window' must not be null");
        Objects.requireNonNull(prices, "'prices' must not be null");
        if (every.toMillis() < 1000) {
            throw new IllegalArgumentException("'every' must be at least a second");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("'window' must be positive");
        }
    }

    /** The window a call parked at {@code at} goes into: windows are counted from the epoch, {@code every} long. */
    public long slot(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), every.toMillis());
    }

    /** When window {@code slot} ends, and its calls can be sent. */
    public Instant slotEnds(long slot) {
        return Instant.ofEpochMilli((slot + 1) * every.toMillis());
    }

    /** The latest a call parked at {@code parkedAt} can be answered through the batch, if the provider keeps time. */
    public Instant answeredBy(Instant parkedAt) {
        return parkedAt.plus(every).plus(every).plus(window);
    }
}
