package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini generateContent ({@code POST /v1beta/models/{model}:generateContent}). Gemini sends no retry-after
 * header: a 429 carries a {@code google.rpc.RetryInfo} detail with {@code retryDelay} in the body.
 */
final class GeminiWire implements WireFormat {
    static final Pattern PATH = Pattern.compile(".*/models/([^/:]+):generateContent$");

    @Override
    public Provider provider() {
        return Provider.GEMINI;
    }

    @Override
    public Parsed parse(String path, JsonNode body) {
        Matcher m = PATH.matcher(path);
        List<String> user = new ArrayList<>();
        for (JsonNode content : body.path("contents")) {
            if (content.path("role").asText("user").equals("user")) {
                user.add(WireFormat.text(content.get("parts"), "text"));
            }
        }
        return new Parsed(
                m.matches() ? m.group(1) : "",
                WireFormat.text(body.path("systemInstruction").get("parts"), "text"),
                user,
                body.path("generationConfig").path("maxOutputTokens").asInt(0));
    }

    @Override
    public String success(String model, Answer a) {
        ObjectNode root = WireFormat.object();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content").put("role", "model");
        content.putArray("parts").addObject().put("text", a.text());
        candidate
                .put("finishReason", a.finish().equals("length") ? "MAX_TOKENS" : "STOP")
                .put("index", 0);
        root.putObject("usageMetadata")
                .put("promptTokenCount", a.inputTokens())
                .put("candidatesTokenCount", a.outputTokens())
                .put("totalTokenCount", a.inputTokens() + a.outputTokens())
                .put("cachedContentTokenCount", a.cachedTokens());
        root.put("modelVersion", model).put("responseId", UUID.randomUUID().toString());
        return WireFormat.write(root);
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
    public Reply throttled(long retryAfterSeconds, String message) {
        ObjectNode root = body(429, "RESOURCE_EXHAUSTED", message);
        ((ObjectNode) root.get("error"))
                .putArray("details")
                .addObject()
                .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                .put("retryDelay", retryAfterSeconds + "s");
        return new Reply(429, Map.of(), WireFormat.write(root));
    }

    private static ObjectNode body(int status, String code, String message) {
        ObjectNode root = WireFormat.object();
        root.putObject("error").put("code", status).put("message", message).put("status", code);
        return root;
    }
}
