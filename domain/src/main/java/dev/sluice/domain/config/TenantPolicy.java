package dev.sluice.domain.config;

import dev.sluice.domain.model.RateLimits;
import java.util.Objects;

/**
 * A tenant's claim on shared model capacity: its weight when tenants compete for one model's limits (equal
 * weights share equally), an optional quota of its own per model ({@link RateLimits#NONE}: none), and what it may
 * spend ({@link Budget#NONE}: no limit).
 */
public record TenantPolicy(double weight, RateLimits quota, Budget budget) {
    public static final TenantPolicy DEFAULT = new TenantPolicy(1.0, RateLimits.NONE, Budget.NONE);

    public TenantPolicy(double weight, RateLimits quota) {
        this(weight, quota, Budget.NONE);
    }

    public TenantPolicy {
        Objects.requireNonNull(quota, "'quota' must not be null");
        Objects.requireNonNull(budget, "'budget' must not be null");
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("'weight' must be a positive number, was " + weight);
        }
    }
}
