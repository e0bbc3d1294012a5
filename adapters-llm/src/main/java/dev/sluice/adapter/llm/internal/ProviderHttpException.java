package dev.sluice.adapter.llm.internal;

import dev.langchain4j.exception.HttpException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A non-2xx answer that keeps the response headers. LangChain4j's own {@link HttpException} carries only the
 * status and body, and its exception mapper wraps the root cause, so this subclass reaches the adapter intact as
 * the cause of {@code RateLimitException} and friends, with the {@code retry-after} the provider sent.
 */
public final class ProviderHttpException extends HttpException {
    private final transient Map<String, List<String>> headers;

    public ProviderHttpException(int statusCode, String body, Map<String, List<String>> headers) {
        super(statusCode, body);
        Map<String, List<String>> lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        this.headers = lower;
    }

    public Map<String, List<String>> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
