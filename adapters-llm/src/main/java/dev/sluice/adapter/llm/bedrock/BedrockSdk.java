package dev.sluice.adapter.llm.bedrock;

import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.domain.model.ModelSpec;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How sluice builds an AWS SDK client for Bedrock (the runtime's for live calls, the control plane's for batch
 * inference) and reads what it refused. A model's options: {@code region} (us-east-1 where none is given),
 * {@code baseUrl} (an endpoint override: a VPC endpoint or the local simulator) and {@code credentials: local} (fixed
 * dummy keys, for a local simulator). The URL-connection HTTP client, and the SDK's retries off: sluice owns retries.
 */
public final class BedrockSdk {
    private BedrockSdk() {}

    /** {@code builder} set up for {@code spec}, each call limited to {@code timeout}; {@code more} adds to its overrides. */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(
            B builder, ModelSpec spec, Duration timeout, Consumer<ClientOverrideConfiguration.Builder> more) {
        builder.region(Region.of(spec.option("region").orElse("us-east-1")))
                .credentialsProvider(credentials(spec))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(
                                Duration.ofSeconds(5).compareTo(timeout) < 0 ? Duration.ofSeconds(5) : timeout)
                        .socketTimeout(timeout))
                .overrideConfiguration(c -> {
                    c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(timeout);
                    more.accept(c);
                });
        spec.option("baseUrl").map(URI::create).ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The SDK's service exception in {@code error}'s causes, with the status, headers and error code it answered. */
    public static Optional<HttpFailure> failureOf(Throwable error) {
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

    private static AwsCredentialsProvider credentials(ModelSpec spec) {
        if (spec.option("credentials").filter("local"::equals).isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }
}
