package dev.sluice.bootstrap.shared;

import dev.sluice.domain.config.EngineSettings;
import dev.sluice.domain.config.HopBudget;
import dev.sluice.domain.config.SluiceConfig;
import java.time.Duration;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;

/**
 * The configured engine settings fitted to the queue they run on and the longest hop the configuration allows:
 *
 * <ul>
 *   <li>Attempts are counted on the job at each lease, and a delivery that dies mid-hop still used up a receive. At
 *       most {@code maxReceiveCount - 1} attempts (and at least one) means the engine fails such a job itself before
 *       SQS dead-letters its message.
 *   <li>The lease must outlast the longest hop ({@link HopBudget#lease()}: its fallback chain in sequence), else a
 *       second delivery could start a hop that is still running and pay for it again; a shorter lease is raised to
 *       it.
 *   <li>Only a lease chosen explicitly ({@code SLUICE_LEASE}, as tests that kill processes do) may stay shorter, with
 *       a {@link #warning}.
 * </ul>
 *
 * @param engine the settings the engine runs with
 * @param warning why the chosen lease is risky, when it is
 */
public record EngineFit(EngineSettings engine, Optional<String> warning) {

    public static EngineFit of(EngineSettings configured, HopBudget budget, int maxReceiveCount, boolean leaseChosen) {
        int mostAttempts = Math.max(1, maxReceiveCount - 1);
        Duration lease = configured.lease();
        Optional<String> warning = Optional.empty();
        if (lease.compareTo(budget.lease()) < 0) {
            if (leaseChosen) {
                warning = Optional.of("SLUICE_LEASE " + lease + " is shorter than the longest hop may take ("
                        + budget.lease().toSeconds() + " s, " + budget.where()
                        + "): a hop still running when its lease ends may be run, and paid for, twice");
            } else {
                lease = budget.lease();
            }
        }
        return new EngineFit(
                new EngineSettings(
                        lease,
                        Math.min(configured.maxAttempts(), mostAttempts),
                        configured.cacheTtl(),
                        configured.maxDeferral()),
                warning);
    }

    /**
     * {@code loaded} with its engine settings fitted to {@code settings}' queue and lease choice; logs the warning.
     *
     * @throws dev.sluice.domain.config.ConfigException when the longest hop cannot fit in a function ({@link
     *     HopBudget#of})
     */
    public static SluiceConfig fitted(SluiceConfig loaded, Settings settings) {
        EngineFit fit = of(loaded.engine(), HopBudget.of(loaded), settings.maxReceiveCount(), settings.leaseChosen());
        fit.warning().ifPresent(LogManager.getLogger(EngineFit.class)::warn);
        return fit.applyTo(loaded);
    }

    public SluiceConfig applyTo(SluiceConfig config) {
        return new SluiceConfig(
                config.models(), config.pipelines(), config.indexes(), config.inputLimits(), engine, config.tenants());
    }
}
