package dev.sluice.infra;

import dev.sluice.domain.config.ConfigException;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.HopBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The models/pipelines/indexes document of a stack ({@code sluice:pipeline}). The functions parse and validate it at
 * init; the program only reads what the infrastructure depends on: each model's provider, id and limits (for the
 * processor's concurrency), the secrets it names, Bedrock model ids and index names (for IAM).
 *
 * @param yaml the document as the functions receive it, placeholders untouched
 * @param indexes the names of the vector indexes, which the functions use as OpenSearch index names
 */
record PipelineConfig(
        String yaml, Map<String, Model> models, Set<String> usedAliases, Set<String> indexes, HopBudget hopBudget) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

    /** One model alias as far as the infrastructure cares. */
    record Model(
            String alias,
            String provider,
            String modelId,
            long rpm,
            long tpm,
            long inputTpm,
            Optional<String> apiKeySecret,
            Optional<String> region,
            Optional<String> account) {
        /** Providers count limits per model id (and account), not per alias: two aliases may share one bucket. */
        String limiterKey() {
            return provider + ":" + modelId + account.map(a -> ":" + a).orElse("");
        }
    }

    PipelineConfig {
        models = Map.copyOf(models);
        usedAliases = Set.copyOf(usedAliases);
        indexes = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(indexes));
    }

    /**
     * @param json the stack-config value (the CLI passes objects as JSON)
     * @param environment the functions' extra environment, used to resolve {@code ${NAME:-default}} placeholders the
     *     same way the functions will
     */
    static PipelineConfig parse(String json, Map<String, String> environment) {
        Tree original = Tree.parse("sluice:pipeline", json);
        if (!original.has("models") || !original.has("pipelines")) {
            throw new IllegalArgumentException("sluice:pipeline: must hold 'models' and 'pipelines'");
        }
        Tree resolved = Tree.parse("sluice:pipeline", substitute(json, environment));
        Map<String, Model> models = new LinkedHashMap<>();
        resolved.get("models")
                .map()
                .keySet()
                .forEach(alias ->
                        models.put(alias, model(alias, resolved.get("models").get(alias))));
        Set<String> used = new LinkedHashSet<>();
        Tree pipelines = resolved.get("pipelines");
        for (String name : pipelines.map().keySet()) {
            Object steps = pipelines.get(name).map().get("steps");
            if (steps instanceof List<?> list) {
                for (Object step : list) {
                    if (step instanceof Map<?, ?> m && m.containsKey("generate") && m.get("model") != null) {
                        used.add(String.valueOf(m.get("model")));
                    }
                }
            }
        }
        for (String alias : used) {
            if (!models.containsKey(alias)) {
                throw new IllegalArgumentException("sluice:pipeline.pipelines: unknown model alias '" + alias
                        + "' (known: " + models.keySet() + ")");
            }
        }
        Set<String> indexes =
                resolved.has("indexes") ? resolved.get("indexes").map().keySet() : Set.of();
        return new PipelineConfig(toYaml(typed(original.value())), models, used, indexes, hopBudget(resolved));
    }

    private static Model model(String alias, Tree t) {
        String path = "sluice:pipeline.models." + alias;
        Tree limits = t.get("limits");
        Tree options = t.get("options");
        return new Model(
                alias,
                t.string("provider").orElseThrow(() -> new IllegalArgumentException(path + ".provider: is required")),
                t.string("model").orElseThrow(() -> new IllegalArgumentException(path + ".model: is required")),
                limits.integer("rpm").orElse(0),
                limits.integer("tpm").orElse(0),
                limits.integer("inputTpm").orElse(0),
                options.string("apiKeySecret"),
                options.string("region"),
                options.string("account"));
    }

    /** A short content hash of the delivered document. */
    String version() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Models that pipelines call directly; fallbacks only take over a primary's traffic, so they add no rate. */
    List<Model> primaryModels() {
        List<Model> out = new ArrayList<>();
        usedAliases.forEach(a -> out.add(models.get(a)));
        return List.copyOf(out);
    }

    /** Secret names the model options refer to, in a stable order. */
    Set<String> secretNames() {
        Set<String> out = new java.util.TreeSet<>();
        models.values().forEach(m -> m.apiKeySecret().ifPresent(out::add));
        return out;
    }

    List<Model> bedrockModels() {
        return models.values().stream()
                .filter(m -> m.provider().equals("bedrock"))
                .toList();
    }

    /** The functions' own parser and budget on the resolved document: the timeouts follow from the same rule. */
    @SuppressWarnings("unchecked")
    private static HopBudget hopBudget(Tree resolved) {
        try {
            return HopBudget.of(ConfigParser.parse((Map<String, Object>) typed(resolved.value())));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("sluice:pipeline." + e.getMessage(), e);
        }
    }

    static String substitute(String text, Map<String, String> environment) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code pulumi config set --path 'sluice:pipeline.models.fast.limits.rpm' 1000} may store text; the functions'
     * parser wants numbers and booleans typed, so text that is one becomes one.
     */
    static Object typed(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), typed(v)));
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(PipelineConfig::typed).toList();
        }
        if (node instanceof String s) {
            if (s.matches("-?\\d{1,18}")) {
                long value = Long.parseLong(s);
                return value == (int) value ? (Object) (int) value : (Object) value;
            }
            if (s.matches("-?\\d+\\.\\d+")) {
                return Double.parseDouble(s);
            }
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
        }
        return node;
    }

    private static String toYaml(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(120);
        return "# Delivered by the sluice Pulumi program from stack config 'sluice:pipeline'. Edit the stack, not this.\n"
                + new Yaml(options).dump(tree);
    }
}
