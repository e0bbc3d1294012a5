package dev.sluice.adapter.retrieval.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiEmbedderTest {
    private final FakeEmbeddingsServer openAi = new FakeEmbeddingsServer();
    private final OpenAiEmbedder embedder = new OpenAiEmbedder(new OpenAiEmbedder.Settings(
            openAi.uri().resolve("/v1"), "sk-test", "text-embedding-3-small", 256, 10, Duration.ofSeconds(5)));

    @AfterEach
    void stop() {
        openAi.close();
    }

    @Test
    void textsAreEmbeddedInBatchesInOrderAtTheIndexDimension() {
        List<String> texts = IntStream.range(0, 25).mapToObj(i -> "text " + i).toList();
        List<float[]> vectors = embedder.embed(texts);

        assertThat(embedder.dimension()).isEqualTo(256);
        assertThat(vectors).hasSize(25).allSatisfy(v -> assertThat(v).hasSize(256));
        assertThat(vectors.get(7)).containsExactly(floats(FakeEmbeddingsServer.vector("text 7", 256)));
        assertThat(openAi.requests()).hasSize(3);
        var first = openAi.requests().getFirst();
        assertThat(first.path()).isEqualTo("/v1/embeddings");
        assertThat(first.header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(first.body().path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(first.body().path("dimensions").asInt()).isEqualTo(256);
        assertThat(first.body().path("input")).hasSize(10);
    }

    @Test
    void aRateLimitIsThrottledOnceWithoutRetrying() {
        openAi.failNext(new FakeEmbeddingsServer.Failure(
                429,
                Map.of("retry-after", "3"),
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).isInstanceOf(ThrottledException.class);
        assertThat(openAi.requests()).hasSize(1);
    }

    @Test
    void serverErrorsAreTransientAndBadKeysPermanent() {
        openAi.failNext(new FakeEmbeddingsServer.Failure(503, Map.of(), "{\"error\":{\"message\":\"overloaded\"}}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).isInstanceOf(TransientException.class);
        openAi.failNext(new FakeEmbeddingsServer.Failure(
                401, Map.of(), "{\"error\":{\"message\":\"Incorrect API key provided\"}}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("Incorrect API key");
    }

    @Test
    void vectorsOfAnotherDimensionThanConfiguredAreAClearError() {
        openAi.answerWithDimension(1536);
        assertThatThrownBy(() -> embedder.embed(List.of("a")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("1536")
                .hasMessageContaining("256");
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
