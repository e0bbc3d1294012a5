package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * The simulator as the AWS SDK v2 Bedrock Runtime clients read it: the sync client on url-connection-client, the async
 * client on netty, which speaks HTTP/2 (prior knowledge on an {@code http://} endpoint).
 */
class BedrockConformanceIT {
    private static final String MODEL = "amazon.nova-lite-v1:0";
    private static final String PROFILE =
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-v1:0";
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    private static final BedrockRuntimeClient SYNC = BedrockRuntimeClient.builder()
            .endpointOverride(SIMULATOR.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    /** HTTP/2 assumed, not negotiated: against a server without h2c this client cannot connect at all. */
    private static final BedrockRuntimeAsyncClient ASYNC = BedrockRuntimeAsyncClient.builder()
            .endpointOverride(SIMULATOR.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                    .protocol(Protocol.HTTP2)
                    .protocolNegotiation(ProtocolNegotiation.ASSUME_PROTOCOL))
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
    }

    @AfterAll
    static void stop() {
        SYNC.close();
        ASYNC.close();
        SIMULATOR.close();
    }

    private static ConverseRequest converse(String model, String prompt) {
        return ConverseRequest.builder()
                .modelId(model)
                .messages(Message.builder()
                        .role(ConversationRole.USER)
                        .content(ContentBlock.fromText(prompt))
                        .build())
                .build();
    }

    @Test
    void converseIsAnsweredWithItsUsageAndBedrocksRequestId() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("hello there"));

        ConverseResponse response = SYNC.converse(converse(MODEL, "12345678"));

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("hello there");
        assertThat(response.usage().inputTokens()).isEqualTo(2);
        assertThat(response.usage().outputTokens()).isEqualTo(3);
        assertThat(response.responseMetadata().requestId()).matches("[0-9a-f-]{36}");
        assertThat(SIMULATOR.received(MODEL))
                .singleElement()
                .satisfies(r -> assertThat(r.protocol()).isEqualTo("HTTP/1.1"));
    }

    @Test
    void anInferenceProfileArnIsAModelId() {
        SIMULATOR.configure(PROFILE, ModelBehaviour.DEFAULT.withScript("via a profile"));

        ConverseResponse response = SYNC.converse(converse(PROFILE, "hi"));

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("via a profile");
        assertThat(SIMULATOR.calls(PROFILE)).isEqualTo(1);
    }

    @Test
    void theAsyncClientConversesOverHttp2() throws Exception {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("over h2"));

        ConverseResponse response = ASYNC.converse(converse(MODEL, "hi")).get(10, TimeUnit.SECONDS);

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("over h2");
        assertThat(response.responseMetadata().requestId()).isNotBlank();
        assertThat(SIMULATOR.received(MODEL))
                .singleElement()
                .satisfies(r -> assertThat(r.protocol()).isEqualTo("HTTP/2.0"));
    }

    @Test
    void theAsyncClientWithTheSdksDefaultsConnects() throws Exception {
        try (BedrockRuntimeAsyncClient defaults = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(SIMULATOR.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build()) {
            defaults.converse(converse(MODEL, "hi")).get(10, TimeUnit.SECONDS);
        }

        assertThat(SIMULATOR.received(MODEL))
                .singleElement()
                .satisfies(r -> assertThat(r.protocol()).isEqualTo("HTTP/2.0"));
    }

    @Test
    void converseStreamSendsTheEventStreamTheSdkDecodes() throws Exception {
        String text = "event streams carry binary frames with headers, payloads and checksums for each event";
        SIMULATOR.configure(PROFILE, ModelBehaviour.DEFAULT.withScript(text));
        List<String> deltas = new CopyOnWriteArrayList<>();
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<ConverseStreamMetadataEvent> metadata = new AtomicReference<>();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onMessageStart(e -> events.add("messageStart"))
                        .onContentBlockDelta(e -> {
                            events.add("contentBlockDelta");
                            deltas.add(e.delta().text());
                        })
                        .onContentBlockStop(e -> events.add("contentBlockStop"))
                        .onMessageStop(e -> events.add("messageStop:" + e.stopReasonAsString()))
                        .onMetadata(e -> {
                            events.add("metadata");
                            metadata.set(e);
                        })
                        .build())
                .build();
        ConverseStreamRequest request = ConverseStreamRequest.builder()
                .modelId(PROFILE)
                .messages(converse(PROFILE, "go").messages())
                .build();

        ASYNC.converseStream(request, handler).get(10, TimeUnit.SECONDS);

        assertThat(String.join("", deltas)).isEqualTo(text);
        assertThat(deltas).hasSizeGreaterThan(3);
        assertThat(events.getFirst()).isEqualTo("messageStart");
        assertThat(events.subList(events.size() - 3, events.size()))
                .containsExactly("contentBlockStop", "messageStop:end_turn", "metadata");
        assertThat(metadata.get().usage().outputTokens()).isEqualTo((text.length() + 3) / 4);
    }

    @Test
    void invokeModelWithATitanBodyAnswersAnEmbedding() throws Exception {
        InvokeModelResponse response = SYNC.invokeModel(r -> r.modelId("amazon.titan-embed-text-v2:0")
                .contentType("application/json")
                .body(SdkBytes.fromUtf8String("{\"inputText\":\"red apples\",\"dimensions\":256}")));

        JsonNode body = JSON.readTree(response.body().asUtf8String());
        assertThat(body.path("embedding")).hasSize(256);
        assertThat(body.path("inputTextTokenCount").asLong()).isPositive();
    }

    @Test
    void invokeModelWithAChatBodyAnswersInTheModelFamilysShape() throws Exception {
        SIMULATOR.configure("anthropic.claude-3-haiku-20240307-v1:0", ModelBehaviour.DEFAULT.withScript("as claude"));
        SIMULATOR.configure("amazon.nova-micro-v1:0", ModelBehaviour.DEFAULT.withScript("as nova"));

        JsonNode claude = JSON.readTree(SYNC.invokeModel(r -> r.modelId("anthropic.claude-3-haiku-20240307-v1:0")
                        .body(SdkBytes.fromUtf8String("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":50,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                .body()
                .asUtf8String());
        JsonNode nova = JSON.readTree(SYNC.invokeModel(r -> r.modelId("amazon.nova-micro-v1:0")
                        .body(SdkBytes.fromUtf8String(
                                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}")))
                .body()
                .asUtf8String());

        assertThat(claude.path("type").asText()).isEqualTo("message");
        assertThat(claude.at("/content/0/text").asText()).isEqualTo("as claude");
        assertThat(claude.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(nova.at("/output/message/content/0/text").asText()).isEqualTo("as nova");
        assertThat(nova.at("/usage/totalTokens").asLong()).isPositive();
        assertThat(claude.has("embedding") || nova.has("embedding")).isFalse();
    }

    @Test
    void aThrottleWithoutRetriesIsAThrottlingExceptionWithoutRetryAfter() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withLimits(1, 0));
        SYNC.converse(converse(MODEL, "one"));

        ThrottlingException e =
                catchThrowableOfType(ThrottlingException.class, () -> SYNC.converse(converse(MODEL, "two")));

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
        assertThat(e.requestId()).isNotBlank();
        assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("retry-after"))
                .isEmpty();
    }

    @Test
    void aThrottleIsRetriedByTheSdksOwnRetryStrategy() {
        SIMULATOR.throttleNext(MODEL, Duration.ofSeconds(1), 1);
        try (BedrockRuntimeClient retrying = BedrockRuntimeClient.builder()
                .endpointOverride(SIMULATOR.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            retrying.converse(converse(MODEL, "hi"));
        }

        assertThat(SIMULATOR.chatOutcomes(MODEL))
                .extracting(ChatOutcome::outcome)
                .containsExactly("throttled", "answered");
    }

    @Test
    void randomFaultsAreBedrocksServerExceptions() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withErrorRate(1));

        CompletionException e = catchThrowableOfType(
                CompletionException.class,
                () -> ASYNC.converse(converse(MODEL, "hi")).join());

        assertThat(e.getCause()).isInstanceOf(BedrockRuntimeException.class);
        BedrockRuntimeException cause = (BedrockRuntimeException) e.getCause();
        assertThat(cause.statusCode()).isIn(500, 503);
        assertThat(cause.awsErrorDetails().errorCode()).isIn("InternalServerException", "ServiceUnavailableException");
    }
}
