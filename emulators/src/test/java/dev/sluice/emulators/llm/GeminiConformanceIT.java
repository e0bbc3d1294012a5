package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator as Google's official Gen AI Java client ({@code com.google.genai:google-genai}) reads it. */
class GeminiConformanceIT {
    private static final String MODEL = "gemini-2.5-flash";
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final Client CLIENT = client(1);

    /** {@code attempts} 1: the client's own retries off. */
    private static Client client(int attempts) {
        return Client.builder()
                .apiKey("test-key")
                .httpOptions(HttpOptions.builder()
                        .baseUrl(SIMULATOR.endpoint().toString())
                        .apiVersion("v1beta")
                        .retryOptions(HttpRetryOptions.builder()
                                .attempts(attempts)
                                .initialDelay(0.1)
                                .maxDelay(0.5)
                                .build())
                        .build())
                .build();
    }

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
    }

    @AfterAll
    static void stop() {
        CLIENT.close();
        SIMULATOR.close();
    }

    @Test
    void generateContentIsAnsweredWithItsUsage() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("hello there"));

        GenerateContentResponse response = CLIENT.models.generateContent(MODEL, "12345678", null);

        assertThat(response.text()).isEqualTo("hello there");
        assertThat(response.usageMetadata().orElseThrow().candidatesTokenCount())
                .contains(3);
        assertThat(SIMULATOR.received(MODEL))
                .singleElement()
                .satisfies(r -> assertThat(r.header("x-goog-api-key")).contains("test-key"));
    }

    @Test
    void aStreamArrivesAsServerSentEventsTheClientReadsOneResponseAtATime() {
        String text = "gemini streams one generate content response per server sent event, usage in the last";
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript(text));
        List<GenerateContentResponse> chunks = new ArrayList<>();

        try (ResponseStream<GenerateContentResponse> stream = CLIENT.models.generateContentStream(MODEL, "go", null)) {
            stream.forEach(chunks::add);
        }

        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(String.join(
                        "", chunks.stream().map(GenerateContentResponse::text).toList()))
                .isEqualTo(text);
        assertThat(chunks.getLast().usageMetadata().orElseThrow().candidatesTokenCount())
                .contains((text.length() + 3) / 4);
        assertThat(chunks.getLast().finishReason().toString()).isEqualTo("STOP");
        assertThat(SIMULATOR.received(MODEL).getFirst().path()).endsWith(":streamGenerateContent");
    }

    @Test
    void embedContentAnswersVectorsOfTheAskedDimensions() {
        List<ContentEmbedding> embeddings = CLIENT.models
                .embedContent(
                        "gemini-embedding-001",
                        List.of("red apples", "green pears"),
                        EmbedContentConfig.builder().outputDimensionality(64).build())
                .embeddings()
                .orElseThrow();

        assertThat(embeddings).hasSize(2);
        assertThat(embeddings.getFirst().values().orElseThrow()).hasSize(64);
        assertThat(embeddings.getFirst().values())
                .isNotEqualTo(embeddings.getLast().values());
    }

    @Test
    void aThrottleIsTheClientsClientExceptionWithResourceExhausted() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withLimits(1, 0));
        CLIENT.models.generateContent(MODEL, "one", null);

        ClientException e =
                catchThrowableOfType(ClientException.class, () -> CLIENT.models.generateContent(MODEL, "two", null));

        assertThat(e.code()).isEqualTo(429);
        assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void aThrottleIsRetriedByTheClientWhenItRetries() {
        SIMULATOR.throttleNext(MODEL, Duration.ofMillis(100), 1);
        Client retrying = client(3);
        try {
            assertThat(retrying.models.generateContent(MODEL, "hi", null).text())
                    .isNotNull();
        } finally {
            retrying.close();
        }

        assertThat(SIMULATOR.chatOutcomes(MODEL))
                .extracting(ChatOutcome::outcome)
                .containsExactly("throttled", "answered");
    }

    @Test
    void aServerErrorIsTheClientsServerException() {
        SIMULATOR.failNext(MODEL, 503, 1);

        ServerException e =
                catchThrowableOfType(ServerException.class, () -> CLIENT.models.generateContent(MODEL, "hi", null));

        assertThat(e.code()).isEqualTo(503);
        assertThat(e.status()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void anUnknownApiVersionIsNotFound() {
        Client wrong = Client.builder()
                .apiKey("test-key")
                .httpOptions(HttpOptions.builder()
                        .baseUrl(SIMULATOR.endpoint().toString())
                        .apiVersion("v2")
                        .build())
                .build();
        try {
            ClientException e =
                    catchThrowableOfType(ClientException.class, () -> wrong.models.generateContent(MODEL, "hi", null));

            assertThat(e.code()).isEqualTo(404);
            assertThat(e.status()).isEqualTo("NOT_FOUND");
        } finally {
            wrong.close();
        }
        assertThat(SIMULATOR.totalCalls()).isZero();
    }
}
