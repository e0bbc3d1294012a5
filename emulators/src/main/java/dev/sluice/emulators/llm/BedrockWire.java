package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedrock Runtime Converse ({@code POST /model/{modelId}/converse}) as the AWS SDK reaches it through an endpoint
 * override (the path arrives decoded). Errors name their type in {@code x-amzn-ErrorType}, which is what the SDK's JSON protocol reads.
 */
final class BedrockWire implements WireFormat {
    static final Pattern PATH = Pattern.compile(".*/model/([^/]+)/converse$");

    @Override
    public Provider provider() {
        return Provider.BEDROCK;
    }

    @Override
    public Parsed parse(String path, JsonNode body) {
        Matcher m = PATH.matcher(path);
        String model = m.matches() ? m.group(1) : "";
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
                body.path("inferenceConfig").path("maxTokens").asInt(0));
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
    public Reply throttled(long retryAfterSeconds, String message) {
        return reply(429, "ThrottlingException", message);
    }

    private static Reply reply(int status, String type, String message) {
        return new Reply(
                status,
                Map.of("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"),
                WireFormat.write(WireFormat.object().put("message", message)));
    }
}
