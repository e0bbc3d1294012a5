package dev.sluice.adapter.llm.bedrock;

import dev.langchain4j.model.bedrock.BedrockChatModel;
import dev.langchain4j.model.bedrock.BedrockTokenUsage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.sluice.adapter.llm.internal.ChatModelAdapter;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.LanguageModel;
import java.time.Duration;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;

/**
 * Amazon Bedrock through the Converse API. The SDK client is built once, on the URL-connection HTTP client, with
 * the SDK's retries off ({@code AwsRetryStrategy.doNotRetry()}): Resilience4j owns retries. Options:
 * {@code region} (the wiring gives the function's own region where none is configured; us-east-1
 * otherwise), {@code baseUrl} (endpoint override, e.g. a VPC endpoint or the local
 * simulator) and {@code credentials: local} for fixed dummy keys against a local simulator.
 */
public final class BedrockLanguageModel implements LanguageModel {
    private final ChatModelAdapter adapter;

    public BedrockLanguageModel(ModelSpec spec, Duration timeout) {
        BedrockRuntimeClientBuilder client = BedrockSdk.configured(
                BedrockRuntimeClient.builder(),
                spec,
                timeout,
                c -> c.addExecutionInterceptor(new RawBodyInterceptor()));
        BedrockChatModel model = BedrockChatModel.builder()
                .client(client.build())
                .modelId(spec.modelId())
                .defaultRequestParameters(ChatRequestParameters.builder()
                        .temperature(spec.temperature())
                        .maxOutputTokens(spec.maxOutputTokens())
                        .build())
                .timeout(timeout)
                .maxRetries(0)
                .build();
        this.adapter = new ChatModelAdapter(spec, model, BedrockLanguageModel::usage, BedrockSdk::failureOf);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }

    /** Converse's {@code inputTokens} leaves out cache reads and writes; the domain counts all input. */
    private static TokenUsage usage(dev.langchain4j.model.output.TokenUsage u) {
        long read = 0;
        long written = 0;
        if (u instanceof BedrockTokenUsage b) {
            read = ChatModelAdapter.count(b.cacheReadInputTokens());
            written = ChatModelAdapter.count(b.cacheWriteInputTokens());
        }
        return new TokenUsage(
                ChatModelAdapter.count(u.inputTokenCount()) + read + written,
                ChatModelAdapter.count(u.outputTokenCount()),
                read);
    }
}
