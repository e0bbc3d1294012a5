package dev.sluice.domain.config;

import dev.sluice.domain.model.Guardrails;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.Template;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link SluiceConfig} from the tree a YAML or JSON parser produces (maps, lists, strings, numbers,
 * booleans). Every error names the field at fault, e.g. {@code pipelines.rag.steps[0].topK: must be a whole number}.
 */
public final class ConfigParser {
    private ConfigParser() {}

    public static SluiceConfig parse(Map<String, ?> root) {
        Node top = new Node("", root);
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

    private static ModelSpec model(String alias, Node n) {
        n.allowOnly("provider", "model", "temperature", "maxOutputTokens", "limits", "prices", "fallbacks", "options");
        Node limits = n.optionalMap("limits");
        limits.allowOnly("rpm", "tpm", "inputTpm", "outputTpm", "burst");
        Node prices = n.optionalMap("prices");
        prices.allowOnly("input", "output", "cachedInput");
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
                options));
    }

    private static IndexSpec index(String name, Node n) {
        n.allowOnly("dimension", "chunkSize", "chunkOverlap");
        return n.build(() -> new IndexSpec(
                name, n.integer("dimension", 384), n.integer("chunkSize", 800), n.integer("chunkOverlap", 120)));
    }

    private static Pipeline pipeline(String name, Node n) {
        n.allowOnly("inputs", "steps", "guardrails", "cache");
        List<Step> steps = new ArrayList<>();
        List<Node> stepNodes = n.list("steps");
        for (Node s : stepNodes) {
            steps.add(step(s));
        }
        Node g = n.optionalMap("guardrails");
        g.allowOnly("redactPii", "maxOutputChars", "format", "requiredFields");
        Guardrails guardrails = g.build(() -> new Guardrails(
                g.bool("redactPii", false),
                g.integer("maxOutputChars", 0),
                g.enumValue("format", Guardrails.OutputFormat.class, Guardrails.OutputFormat.TEXT),
                g.strings("requiredFields")));
        Pipeline.CacheScope cache = n.enumValue("cache", Pipeline.CacheScope.class, Pipeline.CacheScope.TENANT);
        return n.build(() -> new Pipeline(name, n.strings("inputs"), steps, guardrails, cache));
    }

    private static Step step(Node s) {
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
            s.allowOnly("generate", "model", "system", "prompt");
            return s.build(() -> new Step.Generate(
                    s.string("generate"),
                    s.string("model"),
                    new Template(s.optionalString("system", "")),
                    new Template(s.string("prompt"))));
        }
        throw new ConfigException(s.path, "a step must be 'retrieve: <name>' or 'generate: <name>'");
    }

    private static InputLimits inputLimits(Node n) {
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
    private static Tenants tenants(Node n) {
        TenantPolicy defaults =
                n.has("default") ? tenantPolicy(n.map("default"), TenantPolicy.DEFAULT) : TenantPolicy.DEFAULT;
        Map<String, TenantPolicy> named = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : n.entries().entrySet()) {
            if (!e.getKey().equals("default")) {
                Node entry = e.getValue();
                entry.build(() -> new dev.sluice.domain.model.TenantId(e.getKey()));
                named.put(e.getKey(), tenantPolicy(entry, defaults));
            }
        }
        return new Tenants(defaults, named);
    }

    /** A named tenant's weight and quota; what it leaves out comes from {@code tenants.default}. */
    private static TenantPolicy tenantPolicy(Node n, TenantPolicy base) {
        n.allowOnly("weight", "quota");
        RateLimits quota = base.quota();
        if (n.has("quota")) {
            Node q = n.map("quota");
            q.allowOnly("rpm", "tpm", "inputTpm", "outputTpm");
            quota = q.build(() -> new RateLimits(
                    q.integer("rpm", 0), q.integer("tpm", 0), q.integer("inputTpm", 0), q.integer("outputTpm", 0)));
        }
        double weight = n.decimal("weight", BigDecimal.valueOf(base.weight())).doubleValue();
        RateLimits chosen = quota;
        Node at = n.has("weight") ? n.get("weight") : n;
        return at.build(() -> new TenantPolicy(weight, chosen));
    }

    private static EngineSettings engine(Node n) {
        n.allowOnly("lease", "maxAttempts", "cacheTtl", "maxDeferral");
        EngineSettings d = EngineSettings.DEFAULTS;
        return n.build(() -> new EngineSettings(
                n.duration("lease", d.lease()),
                n.integer("maxAttempts", d.maxAttempts()),
                n.duration("cacheTtl", d.cacheTtl()),
                n.duration("maxDeferral", d.maxDeferral())));
    }

    /** A position in the tree, with typed accessors whose errors carry the path. */
    private record Node(String path, Object value) {
        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private Map<?, ?> asMap() {
            if (value instanceof Map<?, ?> m) {
                return m;
            }
            throw new ConfigException(path.isEmpty() ? "(root)" : path, "must be a mapping of keys to values");
        }

        boolean has(String key) {
            return asMap().containsKey(key);
        }

        void allowOnly(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Object key : asMap().keySet()) {
                if (!allowed.contains(String.valueOf(key))) {
                    throw new ConfigException(
                            child(String.valueOf(key)),
                            "unknown field (allowed here: " + String.join(", ", keys) + ")");
                }
            }
        }

        Node get(String key) {
            Object v = asMap().get(key);
            if (v == null) {
                throw new ConfigException(child(key), "is required");
            }
            return new Node(child(key), v);
        }

        Node map(String key) {
            Node n = get(key);
            n.asMap();
            return n;
        }

        Node optionalMap(String key) {
            return has(key) ? map(key) : new Node(child(key), Map.of());
        }

        Map<String, Node> entries() {
            Map<String, Node> out = new LinkedHashMap<>();
            asMap().forEach((k, v) -> out.put(String.valueOf(k), new Node(child(String.valueOf(k)), v)));
            return out;
        }

        List<Node> list(String key) {
            Node n = get(key);
            if (!(n.value instanceof List<?> l)) {
                throw new ConfigException(n.path, "must be a list");
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(new Node(n.path + "[" + i + "]", l.get(i)));
            }
            return out;
        }

        List<String> strings(String key) {
            if (!has(key)) {
                return List.of();
            }
            return list(key).stream().map(Node::string).toList();
        }

        String string() {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return String.valueOf(value);
            }
            throw new ConfigException(path, "must be a text value");
        }

        String string(String key) {
            String s = get(key).string();
            if (s.isBlank()) {
                throw new ConfigException(child(key), "must not be blank");
            }
            return s;
        }

        String optionalString(String key, String fallback) {
            return has(key) ? get(key).string() : fallback;
        }

        int integer(String key, int fallback) {
            if (!has(key)) {
                return fallback;
            }
            Object v = get(key).value;
            if (v instanceof Integer || v instanceof Long) {
                long l = ((Number) v).longValue();
                if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                    return (int) l;
                }
            }
            throw new ConfigException(child(key), "must be a whole number (got '" + v + "')");
        }

        BigDecimal decimal(String key, BigDecimal fallback) {
            if (!has(key)) {
                return fallback;
            }
            Object v = get(key).value;
            try {
                return new BigDecimal(String.valueOf(v));
            } catch (NumberFormatException e) {
                throw new ConfigException(child(key), "must be a number (got '" + v + "')");
            }
        }

        boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            if (get(key).value instanceof Boolean b) {
                return b;
            }
            throw new ConfigException(child(key), "must be true or false");
        }

        Duration duration(String key, Duration fallback) {
            if (!has(key)) {
                return fallback;
            }
            String s = get(key).string().trim();
            try {
                return Duration.parse(s.toUpperCase().startsWith("P") ? s : "PT" + s);
            } catch (DateTimeParseException e) {
                throw new ConfigException(child(key), "must be a duration like 30s, 2m or PT1H (got '" + s + "')");
            }
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
            if (!has(key)) {
                return fallback;
            }
            String s = get(key).string();
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new ConfigException(
                    child(key), "must be one of " + List.of(type.getEnumConstants()) + " (got '" + s + "')");
        }

        <T> T build(java.util.function.Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(path, e.getMessage());
            }
        }
    }
}
