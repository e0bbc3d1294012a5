package dev.sluice.domain.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A provider's limits for one model, per minute. {@code 0} means "no limit of this kind". Providers that limit
 * input and output tokens separately (Anthropic) set {@code inputTpm}/{@code outputTpm}; those with one token
 * budget (OpenAI, Bedrock) set {@code tpm}.
 *
 * @param burst how much capacity an idle model may hand out at once, as time at the limit: after a pause, work
 *     worth {@code burst} (and at least one request) is admitted without waiting; then admission is paced evenly
 */
public record RateLimits(long rpm, long tpm, long inputTpm, long outputTpm, Duration burst) {
    public static final Duration DEFAULT_BURST = Duration.ofSeconds(1);
    public static final RateLimits NONE = new RateLimits(0, 0, 0, 0);

    public RateLimits {
        Objects.requireNonNull(burst, "'burst' must not be null");
        if (rpm < 0 || tpm < 0 || inputTpm < 0 || outputTpm < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (burst.isNegative() || burst.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("'burst' must be between 0s and 60s, was " + burst);
        }
    }

    public RateLimits(long rpm, long tpm, long inputTpm, long outputTpm) {
        this(rpm, tpm, inputTpm, outputTpm, DEFAULT_BURST);
    }

    public boolean isLimited() {
        return rpm > 0 || tpm > 0 || inputTpm > 0 || outputTpm > 0;
    }

    /** Each limit no higher than {@code cap}'s where {@code cap} sets one; a limit only {@code cap} sets is taken. */
    public RateLimits cappedBy(RateLimits cap) {
        return new RateLimits(
                min(rpm, cap.rpm),
                min(tpm, cap.tpm),
                min(inputTpm, cap.inputTpm),
                min(outputTpm, cap.outputTpm),
                burst);
    }

    /** Every limit times {@code factor} (0..1], never below one per minute. */
    public RateLimits scaled(double factor) {
        return new RateLimits(
                scale(rpm, factor), scale(tpm, factor), scale(inputTpm, factor), scale(outputTpm, factor), burst);
    }

    private static long min(long limit, long cap) {
        if (cap <= 0) {
            return limit;
        }
        return limit <= 0 ? cap : Math.min(limit, cap);
    }

    private static long scale(long limit, double factor) {
        return limit <= 0 ? 0 : Math.max(1, (long) Math.floor(limit * factor));
    }
}
