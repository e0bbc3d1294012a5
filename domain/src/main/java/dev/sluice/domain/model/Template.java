package dev.sluice.domain.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template with {@code {{variable}}} placeholders. Variables are {@code input.<field>} and
 * {@code steps.<step>}; anything else is rejected when the configuration loads.
 */
public record Template(String text) {
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    public static final Template EMPTY = new Template("");

    public Template {
        Objects.requireNonNull(text, "'text' must not be null");
    }

    /** The variables this template refers to, in order of first appearance. */
    public Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Replaces every placeholder with its binding.
     *
     * @throws IllegalArgumentException naming the variables that have no binding
     */
    public String render(Map<String, String> bindings) {
        List<String> missing = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (m.find()) {
            String value = bindings.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("template variables without a value: " + missing);
        }
        return out.toString();
    }

    public boolean isEmpty() {
        return text.isBlank();
    }
}
