package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator as OpenAI's official Java client ({@code com.openai:openai-java}) reads it. */
class OpenAiConformanceIT {
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final OpenAIClient CLIENT = client("/v1", 0);

    private static OpenAIClient client(String path, int retries) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(SIMULATOR.endpoint() + path)
                .apiKey("sk-test")
                .maxRetries(retries)
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

    private static ChatCompletionCreateParams chat(String model, String prompt) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(prompt)
                .build();
    }

    @Test
    void aChatIsAnsweredWithItsUsageAndOpenAisRequestId() {
        SIMULATOR.configure("gpt-4o-mini", ModelBehaviour.DEFAULT.withScript("hello there"));

        HttpResponseFor<ChatCompletion> response =
                CLIENT.chat().completions().withRawResponse().create(chat("gpt-4o-mini", "12345678"));
        ChatCompletion completion = response.parse();

        assertThat(completion.choices().getFirst().message().content()).contains("hello there");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(2);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(response.headers().values("x-request-id"))
                .singleElement()
                .satisfies(id -> assertThat(id).startsWith("req_"));
    }

    @Test
    void aStreamDeliversTheAnswerInChunksAndTheUsageInALastChunk() {
        String text = "the quick brown fox jumps over the lazy dog and runs far away into the woods";
        SIMULATOR.configure("gpt-4o-mini", ModelBehaviour.DEFAULT.withScript(text));
        ChatCompletionCreateParams params = chat("gpt-4o-mini", "tell me").toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream =
                CLIENT.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        String streamed = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(streamed).isEqualTo(text);
        assertThat(chunks).hasSizeGreaterThan(4);
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo((text.length() + 3) / 4);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .hasValueSatisfying(r -> assertThat(r.asString()).isEqualTo("stop"));
        assertThat(SIMULATOR.chatOutcomes("gpt-4o-mini"))
                .singleElement()
                .satisfies(o -> assertThat(o.outcome()).isEqualTo("answered"));
    }

    @Test
    void aStreamTakesTheConfiguredLatencyAndDeliversEveryChunk() {
        SIMULATOR.configure(
                "slow",
                ModelBehaviour.DEFAULT
                        .withScript("one two three four five six seven eight nine ten")
                        .withLatency(Latency.fixed(Duration.ofMillis(400))));
        long started = System.nanoTime();
        List<ChatCompletionChunk> chunks = new java.util.ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream =
                CLIENT.chat().completions().createStreaming(chat("slow", "go"))) {
            stream.stream().forEach(chunks::add);
        }

        // A lower bound only: the simulator sleeps the latency out between the frames, and no load can shorten a
        // sleep, while how the client's reads bunch the chunks on a busy machine is not the simulator's to promise.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(chunks).hasSizeGreaterThan(2);
    }

    @Test
    void embeddingsInTheClientsDefaultBase64DecodeToTheSameVectorsAsFloats() {
        EmbeddingCreateParams base64 = EmbeddingCreateParams.builder()
                .model("text-embedding-3-small")
                .input("red apples and green pears")
                .dimensions(64)
                .build();
        EmbeddingCreateParams floats = base64.toBuilder()
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build();

        List<Float> fromBase64 =
                CLIENT.embeddings().create(base64).data().getFirst().embedding();
        List<Float> fromFloats =
                CLIENT.embeddings().create(floats).data().getFirst().embedding();

        assertThat(SIMULATOR.received().getFirst().body()).contains("\"encoding_format\":\"base64\"");
        assertThat(fromBase64).hasSize(64).isEqualTo(fromFloats);
        assertThat(fromBase64.stream().mapToDouble(f -> f * f).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void embeddingsCountAgainstTheModelsLimitsAndCarryItsHeaders() {
        SIMULATOR.configure("text-embedding-3-small", ModelBehaviour.DEFAULT.withLimits(1, 0));
        EmbeddingCreateParams params = EmbeddingCreateParams.builder()
                .model("text-embedding-3-small")
                .input("hello")
                .build();

        HttpResponseFor<CreateEmbeddingResponse> first =
                CLIENT.embeddings().withRawResponse().create(params);
        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> CLIENT.embeddings().create(params));

        assertThat(first.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
        assertThat(e.headers().values("retry-after")).isNotEmpty();
    }

    @Test
    void aThrottledChatWithoutRetriesIsTheClientsRateLimitExceptionWithTheLimitHeaders() {
        SIMULATOR.configure("gpt-4o-mini", ModelBehaviour.DEFAULT.withLimits(1, 10_000));
        CLIENT.chat().completions().create(chat("gpt-4o-mini", "one"));

        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> CLIENT.chat().completions().create(chat("gpt-4o-mini", "two")));

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.type()).contains("requests");
        assertThat(e.code()).contains("rate_limit_exceeded");
        assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        assertThat(e.headers().values("x-ratelimit-limit-tokens")).containsExactly("10000");
        assertThat(Long.parseLong(e.headers().values("retry-after-ms").getFirst()))
                .isBetween(50_000L, 60_000L);
        assertThat(SIMULATOR.calls("gpt-4o-mini")).isEqualTo(2);
    }

    @Test
    void aScriptedThrottleIsRetriedByTheClientAfterTheStatedWait() {
        SIMULATOR.throttleNext("gpt-4o-mini", Duration.ofMillis(200), 1);

        OpenAIClient retrying = client("/v1", 2);
        try {
            ChatCompletion completion = retrying.chat().completions().create(chat("gpt-4o-mini", "hi"));

            assertThat(completion.choices()).hasSize(1);
        } finally {
            retrying.close();
        }
        assertThat(SIMULATOR.calls("gpt-4o-mini")).isEqualTo(2);
        assertThat(SIMULATOR.chatOutcomes("gpt-4o-mini"))
                .extracting(ChatOutcome::outcome)
                .containsExactly("throttled", "answered");
    }

    @Test
    void aServerErrorIsTheClientsInternalServerException() {
        SIMULATOR.failNext("gpt-4o-mini", 500, 1);

        InternalServerException e = catchThrowableOfType(
                InternalServerException.class, () -> CLIENT.chat().completions().create(chat("gpt-4o-mini", "hi")));

        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.type()).contains("server_error");
    }

    @Test
    void aBaseUrlWithoutV1ReachesNoRouteAndIsNotFound() {
        OpenAIClient wrong = client("", 0);
        try {
            NotFoundException e = catchThrowableOfType(
                    NotFoundException.class, () -> wrong.chat().completions().create(chat("gpt-4o-mini", "hi")));

            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.type()).contains("invalid_request_error");
        } finally {
            wrong.close();
        }
        assertThat(SIMULATOR.totalCalls()).isZero();
    }
}
