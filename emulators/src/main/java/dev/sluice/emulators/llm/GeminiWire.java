package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gemini generateContent ({@code POST /v1beta/models/{model}:generateContent}) and streamGenerateContent (server-sent
 * events with {@code alt=sse}, else one JSON array written as it goes). Gemini sends no retry-after header: a 429
 * carries a {@code google.rpc.RetryInfo} detail with {@code retryDelay} in the body.
 */
final class GeminiWire implements WireFormat {
    private final boolean sse;

    /** {@code sse}: whether the request asked for server-sent events ({@code alt=sse}). */
    GeminiWire(boolean sse) {
        this.sse = sse;
    }

    @Override
    public Provider provider() {
        return Provider.GEMINI;
    }

    @Override
    public Parsed parse(String pathModel, JsonNode body) {
        List<String> user = new ArrayList<>();
        for (JsonNode content : body.path("contents")) {
            if (content.path("role").asText("user").equals("user")) {
                user.add(WireFormat.text(content.get("parts"), "text"));
            }
        }
        return new Parsed(
                pathModel,
                WireFormat.text(body.path("systemInstruction").get("parts"), "text"),
                user,
                body.path("generationConfig").path("maxOutputTokens").asInt(0));
    }

    @Override
    public String success(String model, Answer a) {
        return WireFormat.write(
                response(model, a, a.text(), true, UUID.randomUUID().toString()));
    }

    private static ObjectNode response(String model, Answer a, String text, boolean last, String id) {
        ObjectNode root = WireFormat.object();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        content.putArray("parts").addObject().put("text", text);
        if (last) {
            candidate.put("finishReason", a.finish().equals("length") ? "MAX_TOKENS" : "STOP");
        }
        candidate.put("index", 0);
        if (!last) {
            root.putObject("usageMetadata").put("promptTokenCount", a.inputTokens());
            root.put("modelVersion", model).put("responseId", id);
            return root;
        }
        root.putObject("usageMetadata")
                .put("promptTokenCount", a.inputTokens())
                .put("candidatesTokenCount", a.outputTokens())
                .put("totalTokenCount", a.inputTokens() + a.outputTokens())
                .put("cachedContentTokenCount", a.cachedTokens());
        root.put("modelVersion", model).put("responseId", id);
        return root;
    }

    /** One response per piece, the last with the finish reason and the whole usage. */
    @Override
    public Stream stream(String model, Answer a, List<String> pieces, JsonNode body) {
        List<String> texts = pieces.isEmpty() ? List.of("") : pieces;
        String id = UUID.randomUUID().toString();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode chunk = response(model, a, texts.get(i), i == texts.size() - 1, id);
            if (sse) {
                frames.add(("data: " + WireFormat.write(chunk) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            } else {
                String open = i == 0 ? "[" : ",\r\n";
                String close = i == texts.size() - 1 ? "]" : "";
                frames.add((open + WireFormat.write(chunk) + close).getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Stream(sse ? "text/event-stream" : "application/json; charset=UTF-8", frames);
    }

    @Override
    public Reply error(int status, String message) {
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
        };
        return new Reply(status, Map.of(), WireFormat.write(body(status, code, message)));
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        ObjectNode root = body(429, "RESOURCE_EXHAUSTED", message);
        ((ObjectNode) root.get("error"))
                .putArray("details")
                .addObject()
                .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                .put("retryDelay", retryAfterSeconds + "s");
        return new Reply(429, Map.of(), WireFormat.write(root));
    }

    @Override
    public Reply notFound(String method, String path) {
        return error(404, "The requested URL " + path + " was not found on this server.");
    }

    static ObjectNode body(int status, String code, String message) {
        ObjectNode root = WireFormat.object();
        root.putObject("error").put("code", status).put("message", message).put("status", code);
        return root;
    }
}
