package dev.sluice.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostTest {
    @Test
    void costFollowsUsageAndPricesPerMillionTokensWithCachedInputCheaper() {
        Prices prices = new Prices(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.30"));
        Cost cost = prices.costOf(new TokenUsage(10_000, 2_000, 4_000));
        // 6000 * 3/1M + 4000 * 0.30/1M + 2000 * 15/1M = 0.018 + 0.0012 + 0.03
        assertThat(cost).isEqualTo(Cost.usd("0.0492"));
        assertThat(cost.plus(Cost.usd("0.0008"))).isEqualTo(Cost.usd("0.05"));
    }
}
