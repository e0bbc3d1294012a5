package dev.sluice.domain.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A position in a tree a YAML or JSON parser produced (maps, lists, strings, numbers, booleans), with typed
 * accessors whose errors carry the path, e.g. {@code pipelines.rag.steps[0].topK: must be a whole number}. Reading is
 * strict: a number must be one, a required field present. The configuration parser reads documents with it; the
 * Pulumi program navigates its stack-config objects with it (and reads their scalars leniently, as the CLI stores
 * them as text).
 *
 * @param path where this node is, {@code ""} for the root; children are {@code path.key} and {@code path[i]}
 */
public record ConfigNode(String path, Object value) {

    /** The path of the child {@code key}, whether or not it exists. */
    public String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** An error about this node, naming its path. */
    public ConfigException fail(String message) {
        return new ConfigException(path.isEmpty() ? "(root)" : path, message);
    }

    private Map<?, ?> asMap() {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw fail("must be a mapping of keys to values");
    }

    public boolean has(String key) {
        return asMap().containsKey(key);
    }

    /** The child {@code key} when it is there with a value ({@code key: null} counts as absent here). */
    public Optional<ConfigNode> find(String key) {
        Object v = asMap().get(key);
        return v == null ? Optional.empty() : Optional.of(new ConfigNode(pathOf(key), v));
    }

    public void allowOnly(String... keys) {
        Set<String> allowed = Set.of(keys);
        for (Object key : asMap().keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                throw new ConfigException(
                        pathOf(String.valueOf(key)), "unknown field (allowed here: " + String.join(", ", keys) + ")");
            }
        }
    }

    /** The child {@code key}, which is required. */
    public ConfigNode get(String key) {
        return find(key).orElseThrow(() -> new ConfigException(pathOf(key), "is required"));
    }

    public ConfigNode map(String key) {
        ConfigNode n = get(key);
        n.asMap();
        return n;
    }

    /** The mapping under {@code key}, or an empty one there when the key is absent. */
    public ConfigNode optionalMap(String key) {
        return has(key) ? map(key) : new ConfigNode(pathOf(key), Map.of());
    }

    /** The children of a mapping, in its order. */
    public Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        asMap().forEach((k, v) -> out.put(String.valueOf(k), new ConfigNode(pathOf(String.valueOf(k)), v)));
        return out;
    }

    /** The items of this node, which must be a list. */
    public List<ConfigNode> items() {
        if (!(value instanceof List<?> l)) {
            throw fail("must be a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new ConfigNode(path + "[" + i + "]", l.get(i)));
        }
        return out;
    }

    public List<ConfigNode> list(String key) {
        return get(key).items();
    }

    public List<String> strings(String key) {
        if (!has(key)) {
            return List.of();
        }
        return list(key).stream().map(ConfigNode::string).toList();
    }

    /** This node as text: a string, number or boolean as written. */
    public String string() {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw fail("must be a text value");
    }

    public String string(String key) {
        String s = get(key).string();
        if (s.isBlank()) {
            throw new ConfigException(pathOf(key), "must not be blank");
        }
        return s;
    }

    public String optionalString(String key, String fallback) {
        return has(key) ? get(key).string() : fallback;
    }

    public int integer(String key, int fallback) {
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
        throw new ConfigException(pathOf(key), "must be a whole number (got '" + v + "')");
    }

    public BigDecimal decimal(String key, BigDecimal fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = get(key).value;
        try {
            return new BigDecimal(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new ConfigException(pathOf(key), "must be a number (got '" + v + "')");
        }
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        if (get(key).value instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(pathOf(key), "must be true or false");
    }

    public Duration duration(String key, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        String s = get(key).string().trim();
        try {
            return Duration.parse(s.toUpperCase().startsWith("P") ? s : "PT" + s);
        } catch (DateTimeParseException e) {
            throw new ConfigException(pathOf(key), "must be a duration like 30s, 2m or PT1H (got '" + s + "')");
        }
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
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
                pathOf(key), "must be one of " + List.of(type.getEnumConstants()) + " (got '" + s + "')");
    }

    /** Runs a constructor that validates its arguments; what it refuses is reported at this node's path. */
    public <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw fail(e.getMessage());
        }
    }
}
