package dev.sluice.domain.config;

import dev.sluice.domain.model.TenantId;
import java.util.Map;
import java.util.Objects;

/**
 * Each tenant's claim on shared model capacity, as the {@code tenants:} section configures it: a policy for every
 * tenant not named ({@code default}) and one per named tenant.
 */
public record Tenants(TenantPolicy defaults, Map<String, TenantPolicy> named) {
    public static final Tenants EQUAL = new Tenants(TenantPolicy.DEFAULT, Map.of());

    public Tenants {
        Objects.requireNonNull(defaults, "'defaults' must not be null");
        named = Map.copyOf(named);
    }

    public TenantPolicy policy(TenantId tenant) {
        return named.getOrDefault(tenant.value(), defaults);
    }
}
