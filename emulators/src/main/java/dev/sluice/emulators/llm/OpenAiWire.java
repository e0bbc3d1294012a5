package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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
    public Parsed parse(String pathModel, JsonNode body) {
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
        ObjectNode root = head("chatcmpl-" + UUID.randomUUID(), "chat.completion", model);
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

    private static ObjectNode head(String id, String object, String model) {
        return WireFormat.object()
                .put("id", id)
                .put("object", object)
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model);
    }

    @Override
    public boolean streams(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    /**
     * Chunks whose deltas carry the role, then the text, then the finish reason; with {@code
     * stream_options.include_usage} every chunk has {@code "usage": null} and one last chunk with no choices has the
     * usage. Then {@code data: [DONE]}.
     */
    @Override
    public Stream stream(String model, Answer a, List<String> pieces, JsonNode body) {
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        String id = "chatcmpl-" + UUID.randomUUID();
        List<byte[]> frames = new ArrayList<>();
        frames.add(
                chunk(id, model, usage, delta -> delta.put("role", "assistant").put("content", ""), null));
        for (String piece : pieces) {
            frames.add(chunk(id, model, usage, delta -> delta.put("content", piece), null));
        }
        frames.add(chunk(id, model, usage, delta -> {}, a.finish()));
        if (usage) {
            ObjectNode last = head(id, "chat.completion.chunk", model);
            last.putArray("choices");
            ObjectNode u = last.putObject("usage")
                    .put("prompt_tokens", a.inputTokens())
                    .put("completion_tokens", a.outputTokens())
                    .put("total_tokens", a.inputTokens() + a.outputTokens());
            u.putObject("prompt_tokens_details").put("cached_tokens", a.cachedTokens());
            frames.add(WireFormat.sse(null, last));
        }
        frames.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return new Stream("text/event-stream; charset=utf-8", frames);
    }

    private static byte[] chunk(
            String id, String model, boolean usage, java.util.function.Consumer<ObjectNode> delta, String finish) {
        ObjectNode root = head(id, "chat.completion.chunk", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        delta.accept(choice.putObject("delta"));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        if (usage) {
            root.putNull("usage");
        }
        return WireFormat.sse(null, root);
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

    /** OpenAI's 429 names the limit that refused it in {@code type}: {@code requests} or {@code tokens}. */
    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        return new Reply(429, Map.of(), body(message, byTokens ? "tokens" : "requests", "rate_limit_exceeded"));
    }

    @Override
    public Reply notFound(String method, String path) {
        return new Reply(
                404, Map.of(), body("Invalid URL (" + method + " " + path + ")", "invalid_request_error", null));
    }

    @Override
    public Reply methodNotAllowed(String method, String path) {
        return new Reply(
                405,
                Map.of(),
                body("Invalid method for URL (" + method + " " + path + ")", "invalid_request_error", null));
    }

    @Override
    public Map<String, String> requestId() {
        return Map.of("x-request-id", "req_" + UUID.randomUUID().toString().replace("-", ""));
    }

    static String body(String message, String type, String code) {
        ObjectNode root = WireFormat.object();
        ObjectNode error = root.putObject("error")
                .put("message", message)
                .put("type", type)
                .putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return WireFormat.write(root);
    }
}
