package dev.sluice.domain.model;

/**
 * The limits a provider says the account has for one model, per minute, as it reports them with its answers
 * (OpenAI's {@code x-ratelimit-limit-*}, Anthropic's {@code anthropic-ratelimit-*-limit}); {@code 0}: not said.
 */
public record ProviderLimits(long rpm, long tpm, long inputTpm, long outputTpm) {
    public static final ProviderLimits NONE = new ProviderLimits(0, 0, 0, 0);

    public ProviderLimits {
        if (rpm < 0 || tpm < 0 || inputTpm < 0 || outputTpm < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public boolean isKnown() {
        return rpm > 0 || tpm > 0 || inputTpm > 0 || outputTpm > 0;
    }
}
