package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.usecase.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One API request as the dispatcher sees it, whatever carried it.
 *
 * @param headers lower-cased names
 * @param caller who is calling, as the authorizer established it, if anyone
 * @param rawQuery the query string as sent, read only by the routes that take parameters ({@link #query()})
 */
record HttpRequest(
        String method,
        String path,
        Map<String, String> headers,
        String body,
        Optional<Caller> caller,
        String rawQuery) {
    HttpRequest(String method, String path, Map<String, String> headers, String body, Optional<Caller> caller) {
        this(method, path, headers, body, caller, "");
    }

    HttpRequest {
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The query string's parameters, decoded; one given twice, or encoded wrongly, is the caller's mistake. */
    Map<String, String> query() {
        String raw = rawQuery;
        Map<String, String> parameters = new HashMap<>();
        if (raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("query", "is not a valid URL-encoded query string");
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw InvalidInputException.invalid(name, "is given more than once; give each parameter once");
            }
        }
        return parameters;
    }
}
