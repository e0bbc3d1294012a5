package dev.sluice.bootstrap.console;

/**
 * HTML written by the console: every value goes through {@link #text}, so job inputs, model answers, prompts and
 * chunks (all untrusted) are shown as text, never read as markup.
 */
final class Html {
    private final StringBuilder out = new StringBuilder(4096);

    /** Markup the console writes itself (never a value from a job, a trace or a queue). */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** A value, escaped for element content and for quoted attribute values alike. */
    Html text(Object value) {
        out.append(escape(String.valueOf(value)));
        return this;
    }

    static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** A query-string value (a filter, a job id in a link). */
    static String query(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
