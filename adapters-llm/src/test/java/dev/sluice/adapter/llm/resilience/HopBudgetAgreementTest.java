package dev.sluice.adapter.llm.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.HopBudget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The domain's per-model budget is a copy of these defaults (the domain cannot see this module): they must agree. */
class HopBudgetAgreementTest {
    @Test
    void theHopBudgetPerModelCoversTheResilienceDefaultsWorstCase() {
        ResilienceSettings d = ResilienceSettings.DEFAULTS;
        // No attempt starts after the retry budget; the last one may wait one backoff and run a full call timeout.
        Duration worst = d.retryBudget().plus(d.maxBackoff()).plus(d.callTimeout());
        assertThat(HopBudget.PER_MODEL).isGreaterThanOrEqualTo(worst);
        assertThat(HopBudget.PER_MODEL.minus(worst)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
}
