package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** OpenAI chat completions ({@code POST /v1/chat/completions}); also any OpenAI-compatible server. */
final class OpenAiWire implements WireFormat {
    @Override
    public Provider provider() {
        return Provider.OPENAI;
    }

    @Override
    public Parsed parse(String path, JsonNode body) {
        List<String> system = new ArrayList<>();
        List<String> user = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText();
            String text = WireFormat.text(m.get("content"), "text");
            if (role.equals("system") || role.equals("developer")) {
                system.add(text);
            } else if (role.equals("user")) {
                user.add(text);
            }
        }
        int max =
                body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(0));
        return new Parsed(body.path("model").asText(""), String.join("\n", system), user, max);
    }

    @Override
    public String success(String model, Answer a) {
        ObjectNode root = WireFormat.object()
                .put("id", "chatcmpl-" + UUID.randomUUID())
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", a.text());
        choice.put("finish_reason", a.finish());
        ObjectNode usage = root.putObject("usage")
                .put("prompt_tokens", a.inputTokens())
                .put("completion_tokens", a.outputTokens())
                .put("total_tokens", a.inputTokens() + a.outputTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", a.cachedTokens());
        return WireFormat.write(root);
    }

    @Override
    public Reply error(int status, String message) {
        String type = switch (status) {
            case 401 -> "invalid_api_key";
            case 403 -> "permission_denied";
            case 404 -> "model_not_found";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
        return new Reply(status, Map.of(), body(message, type, status >= 500 ? null : type));
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message) {
        return new Reply(429, Map.of(), body(message, "requests", "rate_limit_exceeded"));
    }

    static String body(String message, String type, String code) {
        ObjectNode root = WireFormat.object();
        root.putObject("error")
                .put("message", message)
                .put("type", type)
                .putNull("param")
                .put("code", code);
        return WireFormat.write(root);
    }
}
