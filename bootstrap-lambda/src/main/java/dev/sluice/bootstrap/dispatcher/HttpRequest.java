package dev.sluice.bootstrap.dispatcher;

import java.util.Map;
import java.util.Optional;

/**
 * One API request as the dispatcher sees it, whatever carried it.
 *
 * @param headers lower-cased names
 * @param caller who is calling, as the authorizer established it, if anyone
 */
record HttpRequest(String method, String path, Map<String, String> headers, String body, Optional<Caller> caller) {
    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
