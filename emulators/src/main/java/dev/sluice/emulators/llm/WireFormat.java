package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One provider's request and response shapes, as the real SDKs send and expect them. */
interface WireFormat {
    ObjectMapper JSON = new ObjectMapper();

    Provider provider();

    /**
     * The model named by the request (the path's {@code pathModel}, else the body) and the texts the prompt is made
     * of.
     */
    Parsed parse(String pathModel, JsonNode body);

    String success(String model, Answer answer);

    /** Whether a chat request asks to be answered as a stream (OpenAI, Anthropic and Ollama say so in the body). */
    default boolean streams(JsonNode body) {
        return false;
    }

    /** The answer as the provider streams it, one frame per element, {@code pieces} concatenating to its text. */
    Stream stream(String model, Answer answer, List<String> pieces, JsonNode body);

    /** A non-throttling error: {@code status} is 4xx or 5xx. */
    Reply error(int status, String message);

    /**
     * A rate-limit refusal, {@code byTokens} when the token limit refused it; the simulator adds the limit headers.
     */
    Reply throttled(long retryAfterSeconds, String message, boolean byTokens);

    /** The statuses a randomly failing call answers, as the provider's own server errors. */
    default List<Integer> serverFaults() {
        return List.of(500, 503);
    }

    /** A path the provider does not serve. */
    default Reply notFound(String method, String path) {
        return error(404, "Invalid URL (" + method + " " + path + ")");
    }

    /** A path the provider serves, with a method it does not. */
    default Reply methodNotAllowed(String method, String path) {
        return error(405, "Method " + method + " not allowed on " + path);
    }

    /** The header the provider names each response with, and a fresh value for it, if it sends one. */
    default Map<String, String> requestId() {
        return Map.of();
    }

    /** A streamed answer: its content type and its frames, each written and flushed on its own. */
    record Stream(String contentType, List<byte[]> frames) {
        public Stream {
            frames = List.copyOf(frames);
        }
    }

    /** A server-sent event with an event name (Anthropic) or without (OpenAI, Gemini). */
    static byte[] sse(String event, JsonNode data) {
        String text = (event == null ? "" : "event: " + event + "\n") + "data: " + write(data) + "\n\n";
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What a request asks: {@code maxTokens} is 0 when the request does not say. */
    record Parsed(String model, String system, List<String> userMessages, int maxTokens) {
        public Parsed {
            userMessages = List.copyOf(userMessages);
        }

        String lastUserMessage() {
            return userMessages.isEmpty() ? "" : userMessages.getLast();
        }

        long inputTokens() {
            long chars = system.length();
            for (String m : userMessages) {
                chars += m.length();
            }
            return Math.max(1, (chars + 3) / 4);
        }
    }

    /** The answer to render; {@code finish} is {@code stop} or {@code length}. */
    record Answer(String text, long inputTokens, long outputTokens, long cachedTokens, String finish) {}

    record Reply(int status, Map<String, String> headers, String body) {}

    /** The text of a message content that is either a string or an array of parts carrying {@code field}. */
    static String text(JsonNode content, String field) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.isTextual()) {
                parts.add(part.asText());
            } else if (part.has(field)) {
                parts.add(part.get(field).asText());
            }
        }
        return String.join("\n", parts);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String write(JsonNode node) {
        return node.toString();
    }
}
