package dev.sluice.domain.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${NAME}} and {@code ${NAME:-default}} placeholders of a configuration document, so one document serves
 * every stack and the local runtime. The functions resolve them from their environment at init; the Pulumi program
 * resolves them from the environment it gives the functions, with this same rule, so that a document that would fail
 * at init fails {@code pulumi preview} with the same sentence.
 *
 * <p>A name is upper-case letters, digits and {@code _}; a default runs to the first closing brace. Anything else
 * that looks alike ({@code $NAME}, {@code ${lower}}, a placeholder without its closing brace) is text. A value or
 * default is taken literally ({@code $} and {@code \} included) and is not resolved again.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");

    private Placeholders() {}

    /**
     * @param lookup a name's value; a blank value counts as not set, as in the functions' environment
     * @param source what {@code text} is, for the error (e.g. {@code SSM parameter /sluice/dev/config})
     * @throws IllegalArgumentException naming the source and the placeholder when a name is not set and has no default
     */
    public static String resolve(String text, Function<String, Optional<String>> lookup, String source) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = lookup.apply(name).filter(v -> !v.isBlank()).orElse(m.group(2));
            if (value == null) {
                throw new IllegalArgumentException(
                        source + " refers to ${" + name + "}, which is not set and has no default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
