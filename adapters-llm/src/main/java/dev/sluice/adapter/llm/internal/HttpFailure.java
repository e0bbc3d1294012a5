package dev.sluice.adapter.llm.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider's error answer, whichever client received it: status, headers (lower-case names), body and the
 * provider's own error code where it names one (Bedrock's {@code ThrottlingException}).
 */
public record HttpFailure(int status, Map<String, List<String>> headers, String body, String errorCode) {
    public HttpFailure {
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The {@link ProviderHttpException} in {@code error}'s causes, as a failure. */
    public static Optional<HttpFailure> fromCauses(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderHttpException e) {
                return Optional.of(new HttpFailure(e.statusCode(), e.headers(), nullToEmpty(e.getMessage()), ""));
            }
        }
        return Optional.empty();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
