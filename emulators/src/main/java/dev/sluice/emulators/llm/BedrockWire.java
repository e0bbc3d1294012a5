package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bedrock Runtime Converse ({@code POST /model/{modelId}/converse}) and ConverseStream ({@code /converse-stream}) as
 * the AWS SDK reaches them through an endpoint override; the model id (a model or an inference profile ARN) arrives
 * percent-encoded in the path. Errors name their type in {@code x-amzn-ErrorType}, which is what the SDK's JSON
 * protocol reads; every response names its request in {@code x-amzn-RequestId}.
 */
final class BedrockWire implements WireFormat {
    @Override
    public Provider provider() {
        return Provider.BEDROCK;
    }

    @Override
    public Parsed parse(String pathModel, JsonNode body) {
        return parseMessages(pathModel, body);
    }

    /** Converse's messages; Nova models on InvokeModel take the same. */
    static Parsed parseMessages(String model, JsonNode body) {
        List<String> user = new ArrayList<>();
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asText().equals("user")) {
                user.add(WireFormat.text(message.get("content"), "text"));
            }
        }
        return new Parsed(
                model,
                WireFormat.text(body.get("system"), "text"),
                user,
                body.path("inferenceConfig")
                        .path("maxTokens")
                        .asInt(body.path("inferenceConfig")
                                .path("max_new_tokens")
                                .asInt(0)));
    }

    @Override
    public String success(String model, Answer a) {
        // Like Anthropic's, Converse's inputTokens leaves out the tokens read from the prompt cache.
        ObjectNode root = WireFormat.object();
        ObjectNode message = root.putObject("output").putObject("message").put("role", "assistant");
        message.putArray("content").addObject().put("text", a.text());
        root.put("stopReason", a.finish().equals("length") ? "max_tokens" : "end_turn");
        root.putObject("usage")
                .put("inputTokens", a.inputTokens() - a.cachedTokens())
                .put("outputTokens", a.outputTokens())
                .put("totalTokens", a.inputTokens() + a.outputTokens())
                .put("cacheReadInputTokens", a.cachedTokens())
                .put("cacheWriteInputTokens", 0);
        root.putObject("metrics").put("latencyMs", 1);
        return WireFormat.write(root);
    }

    /** messageStart, a contentBlockDelta per piece, contentBlockStop, messageStop, and metadata with the usage. */
    @Override
    public Stream stream(String model, Answer a, List<String> pieces, JsonNode body) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(EventStream.event("messageStart", WireFormat.object().put("role", "assistant")));
        for (String piece : pieces) {
            ObjectNode delta = WireFormat.object().put("contentBlockIndex", 0);
            delta.putObject("delta").put("text", piece);
            frames.add(EventStream.event("contentBlockDelta", delta));
        }
        frames.add(EventStream.event("contentBlockStop", WireFormat.object().put("contentBlockIndex", 0)));
        frames.add(EventStream.event(
                "messageStop",
                WireFormat.object().put("stopReason", a.finish().equals("length") ? "max_tokens" : "end_turn")));
        ObjectNode metadata = WireFormat.object();
        metadata.putObject("usage")
                .put("inputTokens", a.inputTokens() - a.cachedTokens())
                .put("outputTokens", a.outputTokens())
                .put("totalTokens", a.inputTokens() + a.outputTokens())
                .put("cacheReadInputTokens", a.cachedTokens())
                .put("cacheWriteInputTokens", 0);
        metadata.putObject("metrics").put("latencyMs", 1);
        frames.add(EventStream.event("metadata", metadata));
        return new Stream(EventStream.CONTENT_TYPE, frames);
    }

    @Override
    public Reply error(int status, String message) {
        String type = switch (status) {
            case 401, 403 -> "AccessDeniedException";
            case 404 -> "ResourceNotFoundException";
            case 408 -> "ModelTimeoutException";
            case 503 -> "ServiceUnavailableException";
            default -> status >= 500 ? "InternalServerException" : "ValidationException";
        };
        return reply(status == 401 ? 403 : status, type, message);
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        return reply(
                429, "ThrottlingException", byTokens ? "Too many tokens, please wait before trying again." : message);
    }

    /** AWS routes on method and path together: a wrong method is as unknown an operation as a wrong path. */
    @Override
    public Reply notFound(String method, String path) {
        return reply(404, "UnknownOperationException", "Unknown operation " + method + " " + path);
    }

    @Override
    public Reply methodNotAllowed(String method, String path) {
        return notFound(method, path);
    }

    @Override
    public Map<String, String> requestId() {
        return Map.of("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    }

    static Reply reply(int status, String type, String message) {
        return new Reply(
                status,
                Map.of("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"),
                WireFormat.write(WireFormat.object().put("message", message)));
    }
}
