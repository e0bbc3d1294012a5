package dev.sluice.domain.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/** Prices in US dollars per million tokens; cached input is billed at {@code cachedInput} when the provider reports it. */
public record Prices(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
    public static final Prices FREE = new Prices(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public Prices {
        Objects.requireNonNull(input, "'input' must not be null");
        Objects.requireNonNull(output, "'output' must not be null");
        Objects.requireNonNull(cachedInput, "'cachedInput' must not be null");
        if (input.signum() < 0 || output.signum() < 0 || cachedInput.signum() < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    public Cost costOf(TokenUsage usage) {
        long cached = Math.min(usage.cachedInput(), usage.input());
        BigDecimal total = input.multiply(BigDecimal.valueOf(usage.input() - cached))
                .add(cachedInput.multiply(BigDecimal.valueOf(cached)))
                .add(output.multiply(BigDecimal.valueOf(usage.output())));
        return new Cost(total.divide(MILLION, MathContext.DECIMAL64));
    }
}
