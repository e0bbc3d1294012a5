package dev.sluice.adapter.llm.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.anthropic.AnthropicChatResponseMetadata;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One LangChain4j chat model behind the domain's port: renders the call as system and user messages, maps the
 * response to a {@link Completion} (with the raw body and the limits the provider's headers state) and every
 * failure through {@link ProviderErrors}.
 */
public final class ChatModelAdapter {
    private final ModelSpec spec;
    private final ChatModel model;
    private final Function<dev.langchain4j.model.output.TokenUsage, TokenUsage> usage;
    private final Function<Throwable, Optional<HttpFailure>> failureOf;
    private final Function<Map<String, List<String>>, ProviderLimits> limitsOf;

    /**
     * For a provider that reports no limits.
     *
     * @param usage the provider's token usage in the domain's terms, where input includes cached input
     * @param failureOf finds the provider's error answer among an exception's causes
     */
    public ChatModelAdapter(
            ModelSpec spec,
            ChatModel model,
            Function<dev.langchain4j.model.output.TokenUsage, TokenUsage> usage,
            Function<Throwable, Optional<HttpFailure>> failureOf) {
        this(spec, model, usage, failureOf, ReportedLimits::none);
    }

    /**
     * @param usage the provider's token usage in the domain's terms, where input includes cached input
     * @param failureOf finds the provider's error answer among an exception's causes
     * @param limitsOf the account's limits as a response's headers state them (a {@link ReportedLimits} style),
     *     for the completion and for a throttled call
     */
    public ChatModelAdapter(
            ModelSpec spec,
            ChatModel model,
            Function<dev.langchain4j.model.output.TokenUsage, TokenUsage> usage,
            Function<Throwable, Optional<HttpFailure>> failureOf,
            Function<Map<String, List<String>>, ProviderLimits> limitsOf) {
        this.spec = spec;
        this.model = model;
        this.usage = usage;
        this.failureOf = failureOf;
        this.limitsOf = limitsOf;
    }

    public Completion complete(ModelCall call) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (!call.system().isBlank()) {
            messages.add(SystemMessage.from(call.system()));
        }
        messages.add(UserMessage.from(call.prompt()));
        ChatResponse response;
        RawResponses.clear();
        try {
            response = model.chat(ChatRequest.builder().messages(messages).build());
        } catch (RuntimeException e) {
            throw ProviderErrors.classify(spec.alias() + " (" + spec.modelId() + ")", e, failureOf, limitsOf);
        }
        Optional<RawResponses.Captured> sideways = RawResponses.take();
        RawResponses.Captured captured = carried(response).or(() -> sideways).orElse(RawResponses.Captured.NONE);
        String raw = captured.body();
        String finish = finishReason(response.finishReason());
        String text = response.aiMessage() == null || response.aiMessage().text() == null
                ? ""
                : response.aiMessage().text();
        if (response.finishReason() == FinishReason.CONTENT_FILTER && text.isEmpty()) {
            throw new PermanentException(
                    spec.alias() + " (" + spec.modelId() + "): content filtered",
                    FailureKind.CONTENT_FILTERED,
                    0,
                    new IllegalStateException("the provider filtered the answer: " + raw));
        }
        TokenUsage tokens = response.tokenUsage() == null ? TokenUsage.ZERO : usage.apply(response.tokenUsage());
        String modelId =
                response.modelName() == null || response.modelName().isBlank() ? spec.modelId() : response.modelName();
        return new Completion(text, tokens, modelId, finish, raw, limitsOf.apply(captured.headers()));
    }

    /**
     * The HTTP response a LangChain4j answer carries itself (OpenAI's and Anthropic's do): preferred to the capture
     * on the calling thread, which is left for clients whose answers carry nothing (Gemini, Ollama, Bedrock's SDK).
     */
    private static Optional<RawResponses.Captured> carried(ChatResponse response) {
        SuccessfulHttpResponse http = switch (response.metadata()) {
            case OpenAiChatResponseMetadata m -> m.rawHttpResponse();
            case AnthropicChatResponseMetadata m -> m.rawHttpResponse();
            case null, default -> null;
        };
        return http == null || http.body() == null
                ? Optional.empty()
                : Optional.of(new RawResponses.Captured(http.body(), http.headers()));
    }

    /** Plain token usage: input already includes what was served from the cache. */
    public static TokenUsage plain(dev.langchain4j.model.output.TokenUsage u) {
        return new TokenUsage(count(u.inputTokenCount()), count(u.outputTokenCount()));
    }

    public static long count(Integer value) {
        return value == null ? 0 : value;
    }

    private static String finishReason(FinishReason reason) {
        if (reason == null) {
            return "unknown";
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case OTHER -> "other";
        };
    }
}
