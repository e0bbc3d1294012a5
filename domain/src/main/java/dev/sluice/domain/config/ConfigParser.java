package dev.sluice.domain.config;

import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Guardrails;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.Template;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds a {@link SluiceConfig} from the tree a YAML or JSON parser produces (maps, lists, strings, numbers,
 * booleans), read through {@link ConfigNode}: every error names the field at fault, e.g.
 * {@code pipelines.rag.steps[0].topK: must be a whole number}.
 */
public final class ConfigParser {
    private ConfigParser() {}

    public static SluiceConfig parse(Map<String, ?> root) {
        ConfigNode top = new ConfigNode("", root);
        top.allowOnly("models", "pipelines", "indexes", "inputLimits", "engine", "tenants");
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        top.map("models").entries().forEach((alias, node) -> models.put(alias, model(alias, node)));
        Map<String, IndexSpec> indexes = new LinkedHashMap<>();
        top.optionalMap("indexes").entries().forEach((name, node) -> indexes.put(name, index(name, node)));
        Map<String, Pipeline> pipelines = new LinkedHashMap<>();
        top.map("pipelines").entries().forEach((name, node) -> pipelines.put(name, pipeline(name, node)));
        try {
            return new SluiceConfig(
                    models,
                    pipelines,
                    indexes,
                    inputLimits(top.optionalMap("inputLimits")),
                    engine(top.optionalMap("engine")),
                    tenants(top.optionalMap("tenants")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("(root)", e.getMessage());
        }
    }

    private static ModelSpec model(String alias, ConfigNode n) {
        n.allowOnly(
                "provider",
                "model",
                "temperature",
                "maxOutputTokens",
                "limits",
                "prices",
                "fallbacks",
                "options",
                "batch");
        ConfigNode limits = n.optionalMap("limits");
        limits.allowOnly("rpm", "tpm", "inputTpm", "outputTpm", "burst");
        ConfigNode prices = n.optionalMap("prices");
        prices.allowOnly("input", "output", "cachedInput");
        Optional<BatchRoute> batch =
                n.has("batch") ? Optional.of(batchRoute(n.get("batch"), prices)) : Optional.empty();
        Map<String, String> options = new LinkedHashMap<>();
        n.optionalMap("options").entries().forEach((k, v) -> options.put(k, v.string()));
        return n.build(() -> new ModelSpec(
                alias,
                n.string("provider"),
                n.string("model"),
                n.decimal("temperature", BigDecimal.ZERO).doubleValue(),
                n.integer("maxOutputTokens", 1024),
                new RateLimits(
                        limits.integer("rpm", 0),
                        limits.integer("tpm", 0),
                        limits.integer("inputTpm", 0),
                        limits.integer("outputTpm", 0),
                        limits.duration("burst", RateLimits.DEFAULT_BURST)),
                new Prices(
                        prices.decimal("input", BigDecimal.ZERO),
                        prices.decimal("output", BigDecimal.ZERO),
                        prices.decimal("cachedInput", prices.decimal("input", BigDecimal.ZERO))),
                n.strings("fallbacks"),
                options,
                batch));
    }

    /**
     * A model's {@code batch}: how often parked calls are sent ({@code every}, 5 minutes by default), how long the
     * provider takes at most ({@code window}, 24 hours), and the batch {@code prices} (half the live ones unless
     * given).
     */
    private static BatchRoute batchRoute(ConfigNode b, ConfigNode live) {
        b.allowOnly("every", "window", "prices");
        ConfigNode prices = b.optionalMap("prices");
        prices.allowOnly("input", "output", "cachedInput");
        BigDecimal half = BigDecimal.valueOf(2);
        BigDecimal input =
                prices.decimal("input", live.decimal("input", BigDecimal.ZERO).divide(half));
        BigDecimal output =
                prices.decimal("output", live.decimal("output", BigDecimal.ZERO).divide(half));
        BigDecimal cached = prices.decimal(
                "cachedInput",
                live.decimal("cachedInput", live.decimal("input", BigDecimal.ZERO))
                        .divide(half));
        return b.build(() -> new BatchRoute(
                b.duration("every", Duration.ofMinutes(5)),
                b.duration("window", Duration.ofHours(24)),
                new Prices(input, output, cached)));
    }

    private static IndexSpec index(String name, ConfigNode n) {
        n.allowOnly("dimension", "chunkSize", "chunkOverlap");
        return n.build(() -> new IndexSpec(
                name, n.integer("dimension", 384), n.integer("chunkSize", 800), n.integer("chunkOverlap", 120)));
    }

    private static Pipeline pipeline(String name, ConfigNode n) {
        n.allowOnly("inputs", "steps", "guardrails", "cache", "mode");
        List<Step> steps = new ArrayList<>();
        List<ConfigNode> stepNodes = n.list("steps");
        for (ConfigNode s : stepNodes) {
            steps.add(step(s));
        }
        ConfigNode g = n.optionalMap("guardrails");
        g.allowOnly("redactPii", "maxOutputChars", "format", "requiredFields");
        Guardrails guardrails = g.build(() -> new Guardrails(
                g.bool("redactPii", false),
                g.integer("maxOutputChars", 0),
                g.enumValue("format", Guardrails.OutputFormat.class, Guardrails.OutputFormat.TEXT),
                g.strings("requiredFields")));
        Pipeline.CacheScope cache = n.enumValue("cache", Pipeline.CacheScope.class, Pipeline.CacheScope.TENANT);
        Mode mode = n.enumValue("mode", Mode.class, Mode.LIVE);
        return n.build(() -> new Pipeline(name, n.strings("inputs"), steps, guardrails, cache, mode));
    }

    private static Step step(ConfigNode s) {
        if (s.has("retrieve")) {
            s.allowOnly("retrieve", "index", "query", "topK", "filter");
            Map<String, String> filter = new LinkedHashMap<>();
            s.optionalMap("filter").entries().forEach((k, v) -> filter.put(k, v.string()));
            return s.build(() -> new Step.Retrieve(
                    s.string("retrieve"),
                    s.string("index"),
                    new Template(s.string("query")),
                    s.integer("topK", 4),
                    filter));
        }
        if (s.has("generate")) {
            s.allowOnly("generate", "model", "system", "prompt", "cache");
            Template system = new Template(s.optionalString("system", ""));
            Template prompt = new Template(s.string("prompt"));
            Optional<SemanticCaching> semantic = semantic(s);
            if (semantic.isPresent()
                    && Stream.concat(system.variables().stream(), prompt.variables().stream())
                            .noneMatch(v -> v.startsWith("input."))) {
                throw new ConfigException(
                        s.pathOf("cache"),
                        "a semantic cache compares a job's inputs, and this step's prompt uses none"
                                + " ({{input.<field>}}); use the exact-match cache (leave 'cache' out)");
            }
            return s.build(() -> new Step.Generate(s.string("generate"), s.string("model"), system, prompt, semantic));
        }
        throw s.fail("a step must be 'retrieve: <name>' or 'generate: <name>'");
    }

    /**
     * A generate step's {@code cache}: {@code exact} (the default: the engine's exact-match cache only),
     * {@code semantic}, or {@code {mode: semantic, threshold: 0.9, ttl: 6h}}.
     */
    private static Optional<SemanticCaching> semantic(ConfigNode step) {
        if (!step.has("cache")) {
            return Optional.empty();
        }
        ConfigNode c = step.get("cache");
        String mode;
        if (c.value() instanceof Map<?, ?>) {
            c.allowOnly("mode", "threshold", "ttl");
            mode = c.string("mode");
        } else {
            mode = c.string();
        }
        return switch (mode) {
            case "exact" -> Optional.empty();
            case "semantic" ->
                c.value() instanceof Map<?, ?>
                        ? Optional.of(c.build(() -> new SemanticCaching(
                                c.decimal("threshold", BigDecimal.valueOf(SemanticCaching.DEFAULT_THRESHOLD))
                                        .doubleValue(),
                                c.has("ttl") ? Optional.of(c.duration("ttl", null)) : Optional.empty())))
                        : Optional.of(SemanticCaching.DEFAULT);
            default ->
                throw new ConfigException(step.pathOf("cache"), "must be 'exact' or 'semantic' (got '" + mode + "')");
        };
    }

    private static InputLimits inputLimits(ConfigNode n) {
        n.allowOnly(
                "maxInputBytes",
                "maxFieldChars",
                "maxFields",
                "maxBatchItems",
                "maxDocumentBytes",
                "maxDocuments",
                "maxIdempotencyKeyChars");
        InputLimits d = InputLimits.DEFAULTS;
        return n.build(() -> new InputLimits(
                n.integer("maxInputBytes", d.maxInputBytes()),
                n.integer("maxFieldChars", d.maxFieldChars()),
                n.integer("maxFields", d.maxFields()),
                n.integer("maxBatchItems", d.maxBatchItems()),
                n.integer("maxDocumentBytes", d.maxDocumentBytes()),
                n.integer("maxDocuments", d.maxDocuments()),
                n.integer("maxIdempotencyKeyChars", d.maxIdempotencyKeyChars())));
    }

    /** {@code default} for every tenant not named, then one entry per tenant id. */
    private static Tenants tenants(ConfigNode n) {
        TenantPolicy defaults =
                n.has("default") ? tenantPolicy(n.map("default"), TenantPolicy.DEFAULT) : TenantPolicy.DEFAULT;
        Map<String, TenantPolicy> named = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : n.entries().entrySet()) {
            if (!e.getKey().equals("default")) {
                ConfigNode entry = e.getValue();
                entry.build(() -> new dev.sluice.domain.model.TenantId(e.getKey()));
                named.put(e.getKey(), tenantPolicy(entry, defaults));
            }
        }
        return new Tenants(defaults, named);
    }

    /** A named tenant's weight, quota and budget; what it leaves out comes from {@code tenants.default}. */
    private static TenantPolicy tenantPolicy(ConfigNode n, TenantPolicy base) {
        n.allowOnly("weight", "quota", "budget");
        RateLimits quota = base.quota();
        if (n.has("quota")) {
            ConfigNode q = n.map("quota");
            q.allowOnly("rpm", "tpm", "inputTpm", "outputTpm");
            quota = q.build(() -> new RateLimits(
                    q.integer("rpm", 0), q.integer("tpm", 0), q.integer("inputTpm", 0), q.integer("outputTpm", 0)));
        }
        double weight = n.decimal("weight", BigDecimal.valueOf(base.weight())).doubleValue();
        RateLimits chosen = quota;
        Budget budget = n.has("budget") ? budget(n.map("budget"), base.budget()) : base.budget();
        ConfigNode at = n.has("weight") ? n.get("weight") : n;
        return at.build(() -> new TenantPolicy(weight, chosen, budget));
    }

    /**
     * {@code budget: { daily: 5.00, monthly: 100, overBudget: wait }} in US dollars; what a named tenant leaves out
     * comes from {@code tenants.default}, and {@code none} lifts a default's limit for that tenant.
     */
    private static Budget budget(ConfigNode n, Budget base) {
        n.allowOnly("daily", "monthly", "overBudget");
        return new Budget(
                dollars(n, "daily", base.daily()),
                dollars(n, "monthly", base.monthly()),
                n.enumValue("overBudget", Budget.OverBudget.class, base.overBudget()));
    }

    private static Optional<Cost> dollars(ConfigNode n, String key, Optional<Cost> fallback) {
        if (!n.has(key)) {
            return fallback;
        }
        if ("none".equalsIgnoreCase(n.get(key).string())) {
            return Optional.empty();
        }
        BigDecimal usd = n.decimal(key, BigDecimal.ZERO);
        if (usd.signum() <= 0) {
            throw new ConfigException(
                    n.pathOf(key), "must be a positive amount of US dollars, or none (got '" + usd + "')");
        }
        return Optional.of(new Cost(usd));
    }

    private static EngineSettings engine(ConfigNode n) {
        n.allowOnly("lease", "maxAttempts", "cacheTtl", "maxDeferral");
        EngineSettings d = EngineSettings.DEFAULTS;
        return n.build(() -> new EngineSettings(
                n.duration("lease", d.lease()),
                n.integer("maxAttempts", d.maxAttempts()),
                n.duration("cacheTtl", d.cacheTtl()),
                n.duration("maxDeferral", d.maxDeferral())));
    }
}
