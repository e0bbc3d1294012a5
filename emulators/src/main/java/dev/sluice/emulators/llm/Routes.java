package dev.sluice.emulators.llm;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes the simulator serves, matched exactly as the real services match them: method and the raw (still
 * percent-encoded) path. A path no route serves is answered by the provider it most looks like, in that provider's
 * own error shape.
 */
final class Routes {
    /** What a route does; whether OpenAI, Anthropic and Ollama chat streams is up to the request body. */
    enum Kind {
        CHAT,
        CHAT_STREAM,
        EMBED,
        /** Bedrock InvokeModel: an embedding or a chat in the model family's own shape, by the body. */
        INVOKE,
        /** Ollama's older {@code /api/embeddings}: one {@code prompt}, one {@code embedding}. */
        EMBED_LEGACY,
        /** Gemini's {@code batchEmbedContents}. */
        EMBED_BATCH
    }

    /** A matched route; {@code model} is the model the path names (decoded), empty when the body names it. */
    record Route(Provider provider, Kind kind, String model) {}

    sealed interface Match {}

    record Found(Route route) implements Match {}

    record NotFound(Provider provider) implements Match {}

    record WrongMethod(Provider provider) implements Match {}

    private record Entry(Provider provider, Kind kind, Pattern path) {}

    /**
     * An OpenAI-compatible server may sit under a prefix ({@code /compat/v1}); the prefix itself holds no {@code v1},
     * so {@code /v1/v1/chat/completions} and {@code /chat/completions} are not routes, as they are not on OpenAI.
     */
    private static final String OPENAI_PREFIX = "(?:/(?!v1(?:/|$))[^/]+)*/v1";

    private static final List<Entry> ENTRIES = List.of(
            new Entry(Provider.OPENAI, Kind.CHAT, Pattern.compile(OPENAI_PREFIX + "/chat/completions")),
            new Entry(Provider.OPENAI, Kind.EMBED, Pattern.compile(OPENAI_PREFIX + "/embeddings")),
            new Entry(Provider.ANTHROPIC, Kind.CHAT, Pattern.compile("/v1/messages")),
            new Entry(Provider.BEDROCK, Kind.CHAT, Pattern.compile("/model/([^/]+)/converse")),
            new Entry(Provider.BEDROCK, Kind.CHAT_STREAM, Pattern.compile("/model/([^/]+)/converse-stream")),
            new Entry(Provider.BEDROCK, Kind.INVOKE, Pattern.compile("/model/([^/]+)/invoke")),
            new Entry(Provider.GEMINI, Kind.CHAT, Pattern.compile("/v1(?:beta)?/models/([^/:]+):generateContent")),
            new Entry(
                    Provider.GEMINI,
                    Kind.CHAT_STREAM,
                    Pattern.compile("/v1(?:beta)?/models/([^/:]+):streamGenerateContent")),
            new Entry(Provider.GEMINI, Kind.EMBED, Pattern.compile("/v1(?:beta)?/models/([^/:]+):embedContent")),
            new Entry(
                    Provider.GEMINI,
                    Kind.EMBED_BATCH,
                    Pattern.compile("/v1(?:beta)?/models/([^/:]+):batchEmbedContents")),
            new Entry(Provider.OLLAMA, Kind.CHAT, Pattern.compile("/api/chat")),
            new Entry(Provider.OLLAMA, Kind.EMBED, Pattern.compile("/api/embed")),
            new Entry(Provider.OLLAMA, Kind.EMBED_LEGACY, Pattern.compile("/api/embeddings")));

    private static final Pattern GEMINI_METHOD = Pattern.compile(".*/models/[^/]+:[A-Za-z]+");

    private Routes() {}

    /** Every route is a POST; any other method on a route's path is the provider's 405. */
    static Match match(String method, String rawPath, Map<String, List<String>> headers) {
        for (Entry e : ENTRIES) {
            Matcher m = e.path().matcher(rawPath);
            if (m.matches()) {
                if (!method.equals("POST")) {
                    return new WrongMethod(e.provider());
                }
                String model = m.groupCount() > 0 ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : "";
                return new Found(new Route(e.provider(), e.kind(), model));
            }
        }
        return new NotFound(lookalike(rawPath, headers));
    }

    /** The provider a request for an unknown path was meant for, by its path and the headers its client sends. */
    static Provider lookalike(String rawPath, Map<String, List<String>> headers) {
        if (headers.containsKey("anthropic-version") || rawPath.contains("/messages")) {
            return Provider.ANTHROPIC;
        }
        if (rawPath.startsWith("/model/") || rawPath.startsWith("/model-invocation")) {
            return Provider.BEDROCK;
        }
        // Gemini's methods follow a colon (models/x:generateContent); OpenAI's /v1/models/{id} has none.
        if (rawPath.startsWith("/v1beta")
                || headers.containsKey("x-goog-api-key")
                || GEMINI_METHOD.matcher(rawPath).matches()) {
            return Provider.GEMINI;
        }
        if (rawPath.startsWith("/api/")) {
            return Provider.OLLAMA;
        }
        return Provider.OPENAI;
    }
}
