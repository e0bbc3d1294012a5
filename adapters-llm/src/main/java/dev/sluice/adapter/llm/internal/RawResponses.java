package dev.sluice.adapter.llm.internal;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The body and headers of the last successful provider response on this thread: the body for the trace, the
 * headers for the limits the provider reports. Only for clients whose answers do not carry their HTTP response
 * (LangChain4j's Gemini and Ollama models, Bedrock's SDK): their synchronous chat call runs its HTTP exchange on the
 * calling thread, so the adapter clears the slot before the call and reads it after. OpenAI's and Anthropic's
 * answers carry their own. {@code LanguageModelContract.callsAtOnceEachCarryTheirOwnRawResponse} holds every
 * provider to it with calls made at once on many threads.
 */
public final class RawResponses {
    private static final ThreadLocal<Captured> LAST = new ThreadLocal<>();

    private RawResponses() {}

    /**
     * One successful response as the client received it.
     *
     * @param headers lower-case names, matched in any case
     */
    public record Captured(String body, Map<String, List<String>> headers) {
        /** Nothing was captured. */
        public static final Captured NONE = new Captured("", Map.of());

        public Captured {
            body = body == null ? "" : body;
            Map<String, List<String>> lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (headers != null) {
                headers.forEach((name, values) -> {
                    if (name != null && values != null) {
                        lower.put(
                                name.toLowerCase(Locale.ROOT),
                                values.stream().filter(Objects::nonNull).toList());
                    }
                });
            }
            headers = Collections.unmodifiableMap(lower);
        }
    }

    public static void clear() {
        LAST.remove();
    }

    /** A body whose client does not hand over the headers (Bedrock's SDK). */
    public static void offer(String body) {
        offer(body, Map.of());
    }

    public static void offer(String body, Map<String, List<String>> headers) {
        LAST.set(new Captured(body, headers));
    }

    public static Optional<Captured> take() {
        Captured captured = LAST.get();
        LAST.remove();
        return Optional.ofNullable(captured);
    }
}
