package dev.sluice.domain.config;

import dev.sluice.domain.model.Cost;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant may spend on model calls, in US dollars per UTC day and per UTC calendar month (either, both or
 * neither), and what happens to a hop that would go over: it fails its job with the reason, or waits until the
 * period that stops it starts again.
 */
public record Budget(Optional<Cost> daily, Optional<Cost> monthly, OverBudget overBudget) {
    public static final Budget NONE = new Budget(Optional.empty(), Optional.empty(), OverBudget.FAIL);

    /** What a hop that would go over its tenant's budget does. */
    public enum OverBudget {
        /** The job fails, with a reason naming the budget, what was spent and when it starts again. */
        FAIL,
        /** The hop is put back and tried again when the period starts again (or its job's deadline fails it). */
        WAIT
    }

    public Budget {
        Objects.requireNonNull(daily, "'daily' must not be null");
        Objects.requireNonNull(monthly, "'monthly' must not be null");
        Objects.requireNonNull(overBudget, "'overBudget' must not be null");
    }

    public boolean isLimited() {
        return daily.isPresent() || monthly.isPresent();
    }
}
