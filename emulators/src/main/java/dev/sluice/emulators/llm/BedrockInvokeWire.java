package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bedrock InvokeModel with a chat body ({@code POST /model/{modelId}/invoke}): the request and the answer are the model
 * family's own (Anthropic's messages, Nova's messages, Llama's prompt), the errors Bedrock's.
 */
final class BedrockInvokeWire implements WireFormat {
    enum Family {
        ANTHROPIC,
        NOVA,
        LLAMA
    }

    private static final AnthropicWire ANTHROPIC = new AnthropicWire();
    private static final BedrockWire BEDROCK = new BedrockWire();

    private final Family family;

    BedrockInvokeWire(Family family) {
        this.family = family;
    }

    /** The family a model id (or an inference profile ARN naming one) belongs to; Nova's shape otherwise. */
    static Family familyOf(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.contains("anthropic.")) {
            return Family.ANTHROPIC;
        }
        if (id.contains("meta.")) {
            return Family.LLAMA;
        }
        return Family.NOVA;
    }

    @Override
    public Provider provider() {
        return Provider.BEDROCK;
    }

    @Override
    public Parsed parse(String pathModel, JsonNode body) {
        return switch (family) {
            case ANTHROPIC -> {
                Parsed p = ANTHROPIC.parse(pathModel, body);
                yield new Parsed(pathModel, p.system(), p.userMessages(), p.maxTokens());
            }
            case NOVA -> BedrockWire.parseMessages(pathModel, body);
            case LLAMA ->
                new Parsed(
                        pathModel,
                        "",
                        List.of(body.path("prompt").asText("")),
                        body.path("max_gen_len").asInt(0));
        };
    }

    @Override
    public String success(String model, Answer a) {
        boolean cut = a.finish().equals("length");
        return switch (family) {
            case ANTHROPIC -> WireFormat.write(AnthropicWire.message(model, a));
            case NOVA -> {
                ObjectNode root = WireFormat.object();
                ObjectNode message =
                        root.putObject("output").putObject("message").put("role", "assistant");
                message.putArray("content").addObject().put("text", a.text());
                root.put("stopReason", cut ? "max_tokens" : "end_turn");
                root.putObject("usage")
                        .put("inputTokens", a.inputTokens() - a.cachedTokens())
                        .put("outputTokens", a.outputTokens())
                        .put("totalTokens", a.inputTokens() + a.outputTokens())
                        .put("cacheReadInputTokenCount", a.cachedTokens())
                        .put("cacheWriteInputTokenCount", 0);
                yield WireFormat.write(root);
            }
            case LLAMA ->
                WireFormat.write(WireFormat.object()
                        .put("generation", a.text())
                        .put("prompt_token_count", a.inputTokens())
                        .put("generation_token_count", a.outputTokens())
                        .put("stop_reason", cut ? "length" : "stop"));
        };
    }

    /** InvokeModel answers in one body; its streaming sibling is not simulated. */
    @Override
    public Stream stream(String model, Answer answer, List<String> pieces, JsonNode body) {
        throw new UnsupportedOperationException("InvokeModel does not stream");
    }

    @Override
    public Reply error(int status, String message) {
        return BEDROCK.error(status, message);
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        return BEDROCK.throttled(retryAfterSeconds, message, byTokens);
    }

    @Override
    public Map<String, String> requestId() {
        return BEDROCK.requestId();
    }
}
