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
    public Parsed parse(String pathModel, JsonNode body) {
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
        return WireFormat.write(message(model, a));
    }

    /** The messages shape; Anthropic models on Bedrock's InvokeModel answer it too. */
    static ObjectNode message(String model, Answer a) {
        ObjectNode root = WireFormat.object()
                .put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        root.putArray("content").addObject().put("type", "text").put("text", a.text());
        root.put("stop_reason", stopReason(a)).putNull("stop_sequence");
        usage(root.putObject("usage"), a, a.outputTokens());
        return root;
    }

    private static String stopReason(Answer a) {
        return a.finish().equals("length") ? "max_tokens" : "end_turn";
    }

    private static void usage(ObjectNode usage, Answer a, long output) {
        usage.put("input_tokens", a.inputTokens() - a.cachedTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", a.cachedTokens())
                .put("output_tokens", output);
    }

    @Override
    public boolean streams(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    /**
     * message_start (usage so far), content_block_start, a ping, one content_block_delta per piece,
     * content_block_stop, message_delta (stop reason, output usage), message_stop.
     */
    @Override
    public Stream stream(String model, Answer a, List<String> pieces, JsonNode body) {
        List<byte[]> frames = new ArrayList<>();
        ObjectNode start = WireFormat.object().put("type", "message_start");
        ObjectNode message = start.putObject("message")
                .put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        usage(message.putObject("usage"), a, 1);
        frames.add(WireFormat.sse("message_start", start));
        ObjectNode blockStart =
                WireFormat.object().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        frames.add(WireFormat.sse("content_block_start", blockStart));
        frames.add(WireFormat.sse("ping", WireFormat.object().put("type", "ping")));
        for (String piece : pieces) {
            ObjectNode delta =
                    WireFormat.object().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            frames.add(WireFormat.sse("content_block_delta", delta));
        }
        frames.add(WireFormat.sse(
                "content_block_stop",
                WireFormat.object().put("type", "content_block_stop").put("index", 0)));
        ObjectNode end = WireFormat.object().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stopReason(a)).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", a.outputTokens());
        frames.add(WireFormat.sse("message_delta", end));
        frames.add(WireFormat.sse("message_stop", WireFormat.object().put("type", "message_stop")));
        return new Stream("text/event-stream; charset=utf-8", frames);
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
        return reply(status, type, message);
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        return reply(429, "rate_limit_error", message);
    }

    /** Anthropic's own overload status, 529, besides its 500s. */
    @Override
    public List<Integer> serverFaults() {
        return List.of(500, 529);
    }

    @Override
    public Reply notFound(String method, String path) {
        return reply(404, "not_found_error", "Not Found");
    }

    @Override
    public Reply methodNotAllowed(String method, String path) {
        return reply(405, "invalid_request_error", "Method Not Allowed");
    }

    @Override
    public Map<String, String> requestId() {
        return Map.of("request-id", newRequestId());
    }

    private static String newRequestId() {
        return "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /** An error names its request in the body's {@code request_id} and in the {@code request-id} header. */
    private static Reply reply(int status, String type, String message) {
        String id = newRequestId();
        ObjectNode root = WireFormat.object().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", id);
        return new Reply(status, Map.of("request-id", id), WireFormat.write(root));
    }
}
