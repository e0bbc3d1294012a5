package dev.sluice.domain.model;

import java.math.BigDecimal;
import java.util.Objects;

/** An amount of money in US dollars, kept exact. */
public record Cost(BigDecimal usd) {
    public static final Cost ZERO = new Cost(BigDecimal.ZERO);

    public Cost {
        Objects.requireNonNull(usd, "'usd' must not be null");
        if (usd.signum() < 0) {
            throw new IllegalArgumentException("'usd' must not be negative");
        }
        usd = usd.stripTrailingZeros();
    }

    public static Cost usd(String amount) {
        return new Cost(new BigDecimal(amount));
    }

    public Cost plus(Cost other) {
        return new Cost(usd.add(other.usd));
    }

    @Override
    public String toString() {
        return "$" + usd.toPlainString();
    }
}
