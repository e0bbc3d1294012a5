package dev.sluice.adapter.retrieval.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class BedrockTitanEmbedderTest {
    private final FakeEmbeddingsServer bedrock = new FakeEmbeddingsServer();
    private final BedrockTitanEmbedder embedder = new BedrockTitanEmbedder(new BedrockTitanEmbedder.Settings(
            Optional.of(bedrock.uri()),
            Region.US_EAST_1,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
            "amazon.titan-embed-text-v2:0",
            512,
            16,
            Duration.ofSeconds(5)));

    @AfterEach
    void stop() {
        bedrock.close();
    }

    @Test
    void eachTextIsASignedInvokeModelCallAtTheIndexDimension() {
        List<float[]> vectors = embedder.embed(List.of("first", "second", "third"));

        assertThat(embedder.dimension()).isEqualTo(512);
        assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(512));
        assertThat(bedrock.requests()).hasSize(3);
        var first = bedrock.requests().getFirst();
        assertThat(first.path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
        assertThat(first.header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                .contains("/us-east-1/bedrock/aws4_request");
        assertThat(first.body().path("inputText").asText()).isEqualTo("first");
        assertThat(first.body().path("dimensions").asInt()).isEqualTo(512);
        assertThat(first.body().path("normalize").asBoolean()).isTrue();
    }

    @Test
    void throttlingIsThrottledOnceWithoutTheSdkRetrying() {
        bedrock.failNext(new FakeEmbeddingsServer.Failure(
                429, Map.of("x-amzn-ErrorType", "ThrottlingException"), "{\"message\":\"Too many requests\"}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).isInstanceOf(ThrottledException.class);
        assertThat(bedrock.requests()).hasSize(1);
    }

    @Test
    void serverErrorsAreTransientAndValidationErrorsPermanent() {
        bedrock.failNext(new FakeEmbeddingsServer.Failure(
                500, Map.of("x-amzn-ErrorType", "InternalServerException"), "{\"message\":\"boom\"}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).isInstanceOf(TransientException.class);
        bedrock.failNext(new FakeEmbeddingsServer.Failure(
                400, Map.of("x-amzn-ErrorType", "ValidationException"), "{\"message\":\"Malformed input request\"}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("Malformed input request");
    }

    @Test
    void vectorsOfAnotherDimensionThanConfiguredAreAClearError() {
        bedrock.answerWithDimension(1024);
        assertThatThrownBy(() -> embedder.embed(List.of("a")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("1024")
                .hasMessageContaining("512");
    }
}
