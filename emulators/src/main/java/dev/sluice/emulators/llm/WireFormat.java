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

    /** The model named by the request (body or path) and the texts the prompt is made of. */
    Parsed parse(String path, JsonNode body);

    String success(String model, Answer answer);

    /** A non-throttling error: {@code status} is 4xx or 5xx. */
    Reply error(int status, String message);

    /** A rate-limit refusal; the simulator adds the limit headers. */
    Reply throttled(long retryAfterSeconds, String message);

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
