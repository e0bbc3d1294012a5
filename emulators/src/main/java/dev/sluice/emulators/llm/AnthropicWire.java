package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Anthropic messages ({@code POST /v1/messages}). */
final class AnthropicWire implements WireFormat {
    @Override
    public Provider provider() {
        return Provider.ANTHROPIC;
    }

    @Override
    public Parsed parse(String path, JsonNode body) {
        List<String> user = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            if (m.path("role").asText().equals("user")) {
                user.add(WireFormat.text(m.get("content"), "text"));
            }
        }
        return new Parsed(
                body.path("model").asText(""),
                WireFormat.text(body.get("system"), "text"),
                user,
                body.path("max_tokens").asInt(0));
    }

    @Override
    public String success(String model, Answer a) {
        ObjectNode root = WireFormat.object()
                .put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        root.putArray("content").addObject().put("type", "text").put("text", a.text());
        root.put("stop_reason", a.finish().equals("length") ? "max_tokens" : "end_turn")
                .putNull("stop_sequence");
        root.putObject("usage")
                .put("input_tokens", a.inputTokens() - a.cachedTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", a.cachedTokens())
                .put("output_tokens", a.outputTokens());
        return WireFormat.write(root);
    }

    @Override
    public Reply error(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        return new Reply(status, Map.of(), body(type, message));
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message) {
        return new Reply(429, Map.of(), body("rate_limit_error", message));
    }

    private static String body(String type, String message) {
        ObjectNode root = WireFormat.object().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        return WireFormat.write(root);
    }
}
