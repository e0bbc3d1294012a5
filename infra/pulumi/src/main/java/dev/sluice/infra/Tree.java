package dev.sluice.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A structured stack-config value (the CLI hands objects over as JSON) with typed accessors whose errors name the
 * key, e.g. {@code sluice:functions.processor.timeout: must be a whole number}.
 */
record Tree(String path, Object value) {
    static final Tree EMPTY = new Tree("", Map.of());

    /** Parses JSON or YAML text; integers stay integers (Gson would turn 500 into 500.0). */
    static Tree parse(String path, String text) {
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return new Tree(path, parsed == null ? Map.of() : parsed);
    }

    Map<String, Object> map() {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new IllegalArgumentException(path + ": must be a mapping of keys to values");
    }

    boolean has(String key) {
        return value instanceof Map<?, ?> m && m.get(key) != null;
    }

    Tree get(String key) {
        if (!has(key)) {
            return new Tree(path + "." + key, Map.of());
        }
        return new Tree(path + "." + key, ((Map<?, ?>) value).get(key));
    }

    Optional<String> string(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        Object v = ((Map<?, ?>) value).get(key);
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new IllegalArgumentException(path + "." + key + ": must be a text value");
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    Optional<Integer> integer(String key) {
        return string(key).map(s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + "." + key + ": must be a whole number (got '" + s + "')", e);
            }
        });
    }

    Optional<Double> decimal(String key) {
        return string(key).map(s -> {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + "." + key + ": must be a number (got '" + s + "')", e);
            }
        });
    }

    Optional<Boolean> bool(String key) {
        return string(key).map(s -> switch (s) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException(path + "." + key + ": must be true or false (got '" + s + "')");
        });
    }

    List<String> strings(String key) {
        if (!has(key)) {
            return List.of();
        }
        Object v = ((Map<?, ?>) value).get(key);
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(item -> out.add(String.valueOf(item)));
            return List.copyOf(out);
        }
        return List.of(String.valueOf(v));
    }
}
