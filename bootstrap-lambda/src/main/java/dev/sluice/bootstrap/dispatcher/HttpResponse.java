package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.model.WireText;
import java.util.Locale;
import java.util.Map;

/** What the HTTP API answers: a status, a JSON body and headers. */
record HttpResponse(int status, Object body, Map<String, String> headers) {
    static HttpResponse json(int status, Object body) {
        return new HttpResponse(status, body, Map.of());
    }

    /** A page of the console: its own content type and security headers, the body as it is. */
    record Page(String contentType, String content) {}

    static HttpResponse page(int status, String contentType, String content, Map<String, String> headers) {
        return new HttpResponse(status, new Page(contentType, content), headers);
    }

    static HttpResponse error(int status, String code, String message) {
        return json(status, new ApiError(code, printable(bounded(message, MAX_MESSAGE_CHARS)), null));
    }

    static HttpResponse fieldError(int status, String code, String field, String message) {
        return json(
                status,
                new ApiError(
                        code,
                        printable(bounded(message, MAX_MESSAGE_CHARS)),
                        printable(bounded(field, MAX_MESSAGE_CHARS))));
    }

    /** An error message quotes what it must; a caller's value of any size never makes it a large answer. */
    static final int MAX_MESSAGE_CHARS = 1000;

    /** A caller's value quoted in a message: the start of it, said to be cut when it is. */
    static String quoted(String value) {
        return printable(bounded(value, MAX_QUOTED_CHARS));
    }

    static final int MAX_QUOTED_CHARS = 80;

    private static String bounded(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }

    /** The body of every error: a code a program can switch on, a message a person can act on. */
    record ApiError(String error, String message, String field) {}

    /**
     * Error messages quote what the caller sent; a character that cannot be written as UTF-8 (an unpaired
     * surrogate) or read in a terminal is quoted as its code instead, so the answer itself is always valid.
     */
    static String printable(String text) {
        if (text == null || WireText.problem(text).isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (WireText.allowed(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04X", cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
