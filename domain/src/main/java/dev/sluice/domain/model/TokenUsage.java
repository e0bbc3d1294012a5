package dev.sluice.domain.model;

/** Tokens consumed by one or more model calls; {@code cachedInput} is the part of the input the provider served from its cache. */
public record TokenUsage(long input, long output, long cachedInput) {
    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);

    public TokenUsage {
        if (input < 0 || output < 0 || cachedInput < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public TokenUsage(long input, long output) {
        this(input, output, 0);
    }

    public long total() {
        return input + output;
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(input + other.input, output + other.output, cachedInput + other.cachedInput);
    }
}
