package dev.sluice.domain.config;

import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of a sluice deployment: models by alias, pipelines and indexes by name, input limits and
 * engine settings. Constructing one validates every cross-reference, so a running sluice never meets an unknown
 * alias, a cyclic fallback chain or a template variable that can never be bound.
 */
public record SluiceConfig(
        Map<String, ModelSpec> models,
        Map<String, Pipeline> pipelines,
        Map<String, IndexSpec> indexes,
        InputLimits inputLimits,
        EngineSettings engine,
        Tenants tenants) {

    public SluiceConfig {
        models = Map.copyOf(models);
        pipelines = Map.copyOf(pipelines);
        indexes = Map.copyOf(indexes);
        Objects.requireNonNull(inputLimits, "'inputLimits' must not be null");
        Objects.requireNonNull(engine, "'engine' must not be null");
        Objects.requireNonNull(tenants, "'tenants' must not be null");
        ConfigValidator.validate(models, pipelines, indexes);
    }

    /** A configuration in which every tenant weighs the same and has no quota. */
    public SluiceConfig(
            Map<String, ModelSpec> models,
            Map<String, Pipeline> pipelines,
            Map<String, IndexSpec> indexes,
            InputLimits inputLimits,
            EngineSettings engine) {
        this(models, pipelines, indexes, inputLimits, engine, Tenants.EQUAL);
    }

    public Optional<Pipeline> pipeline(String name) {
        return Optional.ofNullable(pipelines.get(name));
    }

    /** The model behind an alias; every alias a pipeline names is known, so only callers with raw input get empty. */
    public Optional<ModelSpec> model(String alias) {
        return Optional.ofNullable(models.get(alias));
    }

    /**
     * The alias followed by its fallbacks, depth first, each once (configuration has rejected cycles): the order in
     * which a model call tries them, and what the hop budget adds up.
     */
    public List<String> fallbackChain(String alias) {
        java.util.Set<String> ordered = new java.util.LinkedHashSet<>();
        collect(alias, ordered);
        return List.copyOf(ordered);
    }

    private void collect(String alias, java.util.Set<String> into) {
        if (into.add(alias)) {
            model(alias).ifPresent(m -> m.fallbacks().forEach(f -> collect(f, into)));
        }
    }

    public Optional<IndexSpec> index(String name) {
        return Optional.ofNullable(indexes.get(name));
    }

    /** The tenant's weight and quota: its own entry under {@code tenants:}, else {@code tenants.default}. */
    public TenantPolicy tenantPolicy(dev.sluice.domain.model.TenantId tenant) {
        return tenants.policy(tenant);
    }
}
