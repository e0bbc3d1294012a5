package dev.sluice.domain.config;

/**
 * A provider's limits for one model, per minute. {@code 0} means "no limit of this kind". Providers that limit
 * input and output tokens separately (Anthropic) set {@code inputTpm}/{@code outputTpm}; those with one token
 * budget (OpenAI, Bedrock) set {@code tpm}.
 */
public record RateLimits(long rpm, long tpm, long inputTpm, long outputTpm) {
    public static final RateLimits NONE = new RateLimits(0, 0, 0, 0);

    public RateLimits {
        if (rpm < 0 || tpm < 0 || inputTpm < 0 || outputTpm < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public boolean isLimited() {
        return rpm > 0 || tpm > 0 || inputTpm > 0 || outputTpm > 0;
    }
}
