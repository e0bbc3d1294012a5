package dev.sluice.infra;

import dev.sluice.domain.config.ConfigNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A structured stack-config value (the CLI hands objects over as JSON), walked with the domain's {@link ConfigNode}
 * so errors name the key, e.g. {@code sluice:functions.processor.timeout: must be a whole number}. Unlike the
 * pipeline document, whose types the functions read as written, its scalars are read leniently: {@code pulumi config
 * set --path} stores text, so {@code "60"} is a whole number here, a blank value counts as absent and one value
 * stands for a list of one.
 */
record Tree(ConfigNode node) {
    /** Parses JSON or YAML text; integers stay integers (Gson would turn 500 into 500.0). */
    static Tree parse(String path, String text) {
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return new Tree(new ConfigNode(path, parsed == null ? Map.of() : parsed));
    }

    static Tree empty(String path) {
        return new Tree(new ConfigNode(path, Map.of()));
    }

    /** The entries of a mapping, each a text value. */
    Map<String, String> texts() {
        Map<String, String> out = new LinkedHashMap<>();
        node.entries().forEach((key, value) -> out.put(key, value.string()));
        return out;
    }

    boolean has(String key) {
        return node.find(key).isPresent();
    }

    /** The value under {@code key}, an empty mapping there when absent. */
    Tree get(String key) {
        return new Tree(node.find(key).orElseGet(() -> new ConfigNode(node.pathOf(key), Map.of())));
    }

    Optional<String> string(String key) {
        return node.find(key).map(ConfigNode::string).map(String::trim).filter(s -> !s.isEmpty());
    }

    Optional<Integer> integer(String key) {
        return parsed(key, Integer::parseInt, "must be a whole number");
    }

    Optional<Double> decimal(String key) {
        return parsed(key, Double::parseDouble, "must be a number");
    }

    Optional<Boolean> bool(String key) {
        return parsed(
                key,
                s -> switch (s) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException(s);
                },
                "must be true or false");
    }

    List<String> strings(String key) {
        return node.find(key)
                .map(n -> n.value() instanceof List<?>
                        ? n.items().stream().map(ConfigNode::string).toList()
                        : List.of(n.string()))
                .orElse(List.of());
    }

    private <T> Optional<T> parsed(String key, Function<String, T> parse, String expected) {
        return string(key).map(s -> {
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException e) {
                throw node.get(key).fail(expected + " (got '" + s + "')");
            }
        });
    }
}
