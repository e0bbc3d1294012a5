package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.EngineSettings;
import dev.sluice.domain.config.HopBudget;
import dev.sluice.domain.config.SluiceConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule by which the configured engine settings are fitted to the queue and the longest hop. */
class EngineFitTest {
    private static final HopBudget BUDGET = new HopBudget(Duration.ofSeconds(170), "pipelines.research hop 1: ...");
    private static final Duration BUDGET_LEASE = Duration.ofSeconds(200);

    private static EngineSettings engine(Duration lease, int maxAttempts) {
        return new EngineSettings(lease, maxAttempts, Duration.ofHours(24), Duration.ofSeconds(900));
    }

    @Test
    void theBudgetsLeaseIsItsFunctionTimeoutAndAMargin() {
        assertThat(BUDGET.lease()).isEqualTo(BUDGET_LEASE);
    }

    @Test
    void attemptsStayBelowTheQueuesReceives() {
        assertThat(EngineFit.of(engine(BUDGET_LEASE, 10), BUDGET, 5, false)
                        .engine()
                        .maxAttempts())
                .isEqualTo(4);
        assertThat(EngineFit.of(engine(BUDGET_LEASE, 2), BUDGET, 5, false)
                        .engine()
                        .maxAttempts())
                .as("fewer are kept")
                .isEqualTo(2);
        assertThat(EngineFit.of(engine(BUDGET_LEASE, 4), BUDGET, 1, false)
                        .engine()
                        .maxAttempts())
                .as("at least one")
                .isEqualTo(1);
    }

    @Test
    void aShortLeaseIsRaisedToTheLongestHopsUnlessChosen() {
        EngineFit fit = EngineFit.of(engine(Duration.ofMinutes(2), 4), BUDGET, 5, false);
        assertThat(fit.engine().lease()).isEqualTo(BUDGET_LEASE);
        assertThat(fit.warning()).isEmpty();
    }

    @Test
    void aChosenShortLeaseIsKeptWithAWarning() {
        EngineFit fit = EngineFit.of(engine(Duration.ofSeconds(10), 4), BUDGET, 5, true);
        assertThat(fit.engine().lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(fit.warning())
                .contains("SLUICE_LEASE PT10S is shorter than the longest hop may take (200 s, pipelines.research hop"
                        + " 1: ...): a hop still running when its lease ends may be run, and paid for, twice");
    }

    @Test
    void aLongEnoughLeaseIsKeptChosenOrNot() {
        for (boolean chosen : new boolean[] {false, true}) {
            EngineFit fit = EngineFit.of(engine(Duration.ofMinutes(5), 4), BUDGET, 5, chosen);
            assertThat(fit.engine().lease()).isEqualTo(Duration.ofMinutes(5));
            assertThat(fit.warning()).isEmpty();
        }
    }

    @Test
    void theRestOfTheEngineSettingsAndTheConfigurationAreKept() {
        EngineSettings configured =
                new EngineSettings(Duration.ofMinutes(2), 4, Duration.ofMinutes(7), Duration.ofSeconds(60));
        EngineSettings fitted = EngineFit.of(configured, BUDGET, 5, false).engine();
        assertThat(fitted.cacheTtl()).isEqualTo(Duration.ofMinutes(7));
        assertThat(fitted.maxDeferral()).isEqualTo(Duration.ofSeconds(60));

        SluiceConfig bundled = ConfigSource.bundled();
        SluiceConfig applied = new EngineFit(fitted, java.util.Optional.empty()).applyTo(bundled);
        assertThat(applied.engine()).isEqualTo(fitted);
        assertThat(applied.pipelines()).isEqualTo(bundled.pipelines());
        assertThat(applied.models()).isEqualTo(bundled.models());
        assertThat(applied.indexes()).isEqualTo(bundled.indexes());
        assertThat(applied.inputLimits()).isEqualTo(bundled.inputLimits());
        assertThat(applied.tenants()).isEqualTo(bundled.tenants());
    }

    @Test
    void theBundledConfigurationGetsTheLongestHopsLeaseAndAttemptsBelowTheReceives() {
        SluiceConfig bundled = ConfigSource.bundled();
        SluiceConfig fitted = EngineFit.fitted(bundled, SettingsTest.with(Map.of("SLUICE_MAX_RECEIVE_COUNT", "3")));
        assertThat(fitted.engine().lease()).isEqualTo(HopBudget.of(bundled).lease());
        assertThat(fitted.engine().maxAttempts()).isEqualTo(2);
    }
}
