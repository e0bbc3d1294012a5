package dev.sluice.adapter.llm.bedrock;

import dev.langchain4j.model.bedrock.BedrockChatModel;
import dev.langchain4j.model.bedrock.BedrockTokenUsage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.sluice.adapter.llm.internal.ChatModelAdapter;
import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.LanguageModel;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
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
        BedrockRuntimeClientBuilder client = BedrockRuntimeClient.builder()
                .region(Region.of(spec.option("region").orElse("us-east-1")))
                .credentialsProvider(credentials(spec))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(
                                Duration.ofSeconds(5).compareTo(timeout) < 0 ? Duration.ofSeconds(5) : timeout)
                        .socketTimeout(timeout))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(timeout)
                        .addExecutionInterceptor(new RawBodyInterceptor()));
        spec.option("baseUrl").map(URI::create).ifPresent(client::endpointOverride);
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
        this.adapter = new ChatModelAdapter(spec, model, BedrockLanguageModel::usage, BedrockLanguageModel::failureOf);
    }

    @Override
    public Completion complete(ModelCall call) {
        return adapter.complete(call);
    }

    private static AwsCredentialsProvider credentials(ModelSpec spec) {
        if (spec.option("credentials").filter("local"::equals).isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
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

    /** The SDK's service exception, with the status, headers and error code the service answered. */
    private static Optional<HttpFailure> failureOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException aws) {
                var details = aws.awsErrorDetails();
                var headers = details == null || details.sdkHttpResponse() == null
                        ? Map.<String, List<String>>of()
                        : lowerCase(details.sdkHttpResponse().headers());
                String code = details == null || details.errorCode() == null ? "" : details.errorCode();
                String message = details == null || details.errorMessage() == null ? "" : details.errorMessage();
                return Optional.of(new HttpFailure(aws.statusCode(), headers, code + ": " + message, code));
            }
            if (t instanceof SdkServiceException sdk) {
                return Optional.of(new HttpFailure(
                        sdk.statusCode(), Map.of(), sdk.getMessage() == null ? "" : sdk.getMessage(), ""));
            }
        }
        return Optional.empty();
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }
}
