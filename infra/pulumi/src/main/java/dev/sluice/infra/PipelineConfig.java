package dev.sluice.infra;

import dev.sluice.domain.config.ConfigException;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.HopBudget;
import dev.sluice.domain.config.Placeholders;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Step;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The models/pipelines/indexes document of a stack ({@code sluice:pipeline}). The program delivers it with its
 * placeholders untouched, and reads what the infrastructure depends on from what the functions will make of it: the
 * delivered text, its placeholders resolved from the functions' environment ({@link Placeholders}), parsed by the
 * functions' own {@link ConfigParser}. So each model's limits and limiter key (the processor's concurrency), the
 * secrets it names, Bedrock model ids and regions and the index names (IAM) are the ones the functions use.
 *
 * @param yaml the document as the functions receive it, placeholders untouched
 * @param config the functions' parse of it
 * @param models the configured models, in the document's order (the parse keeps none; IAM policies want one)
 * @param usedAliases the aliases pipelines call directly, in the document's order
 */
record PipelineConfig(
        String yaml, SluiceConfig config, List<ModelSpec> models, Set<String> usedAliases, HopBudget hopBudget) {
    private static final String SOURCE = "sluice:pipeline";

    PipelineConfig {
        models = List.copyOf(models);
        usedAliases = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(usedAliases));
    }

    /** @param environment the functions' extra environment ({@code sluice:environment}), and nothing else */
    static PipelineConfig parse(String json, Map<String, String> environment) {
        return parse(json, name -> Optional.ofNullable(environment.get(name)));
    }

    /**
     * @param json the stack-config value (the CLI passes objects as JSON)
     * @param environment the functions' environment as the program knows it: what resolves a placeholder at init
     * @throws IllegalArgumentException for what the functions would refuse at init, in the same words
     */
    static PipelineConfig parse(String json, Function<String, Optional<String>> environment) {
        String yaml = toYaml(typed(load(json)));
        Object tree = load(Placeholders.resolve(yaml, environment, SOURCE));
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(SOURCE + ": must be a mapping with models, pipelines and indexes");
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> root = (Map<String, ?>) map;
        SluiceConfig config;
        HopBudget budget;
        try {
            config = ConfigParser.parse(root);
            // The functions' own budget on their own parse: the timeouts follow from the same rule.
            budget = HopBudget.of(config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(SOURCE + "." + e.getMessage(), e);
        }
        List<ModelSpec> models = ((Map<?, ?>) root.get("models"))
                .keySet().stream()
                        .map(alias -> config.models().get(String.valueOf(alias)))
                        .toList();
        Set<String> used = new LinkedHashSet<>();
        ((Map<?, ?>) root.get("pipelines"))
                .keySet()
                .forEach(name -> config.pipelines()
                        .get(String.valueOf(name))
                        .steps()
                        .forEach(step -> {
                            if (step instanceof Step.Generate g) {
                                used.add(g.model());
                            }
                        }));
        return new PipelineConfig(yaml, config, models, used, budget);
    }

    /** Parses JSON or YAML text; integers stay integers (Gson would turn 500 into 500.0). */
    private static Object load(String text) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SOURCE + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** The names of the vector indexes, which the functions use as OpenSearch index names, in a stable order. */
    Set<String> indexes() {
        return java.util.Collections.unmodifiableSet(
                new TreeSet<>(config.indexes().keySet()));
    }

    /** Whether a generate step keeps a semantic cache ({@code cache: semantic}): the processor then writes its index. */
    boolean semanticCache() {
        return config.pipelines().values().stream()
                .flatMap(p -> p.steps().stream())
                .anyMatch(step -> step instanceof dev.sluice.domain.model.Step.Generate g
                        && g.semantic().isPresent());
    }

    /** Whether some model takes work through its provider's batch API: the stack then deploys the batcher. */
    boolean batchRoute() {
        return config.models().values().stream().anyMatch(m -> m.batch().isPresent());
    }

    /**
     * How often the batcher runs: as often as the most frequent batch route sends a window, in whole minutes (the
     * scheduler's finest rate), at least one.
     */
    long batcherEveryMinutes() {
        return config.models().values().stream()
                .flatMap(m -> m.batch().stream())
                .mapToLong(b -> Math.max(1, b.every().toMinutes()))
                .min()
                .orElse(5);
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
    List<ModelSpec> primaryModels() {
        return usedAliases.stream().map(a -> config.models().get(a)).toList();
    }

    /** Secret names the model options refer to, in a stable order. */
    Set<String> secretNames() {
        Set<String> out = new TreeSet<>();
        models.forEach(m -> m.option("apiKeySecret").ifPresent(out::add));
        return out;
    }

    List<ModelSpec> bedrockModels() {
        return models.stream().filter(m -> m.provider().equals("bedrock")).toList();
    }

    /** The Bedrock models with a batch route: their calls go through batch inference jobs. */
    List<ModelSpec> bedrockBatchModels() {
        return bedrockModels().stream().filter(m -> m.batch().isPresent()).toList();
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
