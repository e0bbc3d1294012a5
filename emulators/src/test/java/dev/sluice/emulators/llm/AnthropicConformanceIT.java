package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator as Anthropic's official Java client ({@code com.anthropic:anthropic-java}) reads it. */
class AnthropicConformanceIT {
    private static final String MODEL = "claude-sonnet-4-5";
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final AnthropicClient CLIENT = client("", 0);

    /** Anthropic's base URL is the host: the client adds {@code /v1/messages}. */
    private static AnthropicClient client(String path, int retries) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(SIMULATOR.endpoint() + path)
                .apiKey("sk-ant-test")
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

    private static MessageCreateParams message(long maxTokens, String prompt) {
        return MessageCreateParams.builder()
                .model(MODEL)
                .maxTokens(maxTokens)
                .addUserMessage(prompt)
                .build();
    }

    private static String text(Message message) {
        return message.content().getFirst().asText().text();
    }

    @Test
    void aMessageIsAnsweredWithItsUsageAndAnthropicsRequestId() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("hello there"));

        HttpResponseFor<Message> response = CLIENT.messages().withRawResponse().create(message(100, "12345678"));
        Message answer = response.parse();

        assertThat(text(answer)).isEqualTo("hello there");
        assertThat(answer.usage().inputTokens()).isEqualTo(2);
        assertThat(answer.usage().outputTokens()).isEqualTo(3);
        assertThat(response.headers().values("request-id"))
                .singleElement()
                .satisfies(id -> assertThat(id).startsWith("req_"));
    }

    @Test
    void aStreamSendsAnthropicsEventsInOrderAndAccumulatesToTheAnswer() {
        String text = "streams arrive as server sent events, one text delta after another, then the usage";
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript(text));
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> events = new ArrayList<>();

        try (StreamResponse<RawMessageStreamEvent> stream = CLIENT.messages().createStreaming(message(1000, "go"))) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                events.add(
                        event.isMessageStart()
                                ? "message_start"
                                : event.isContentBlockStart()
                                        ? "content_block_start"
                                        : event.isContentBlockDelta()
                                                ? "content_block_delta"
                                                : event.isContentBlockStop()
                                                        ? "content_block_stop"
                                                        : event.isMessageDelta() ? "message_delta" : "message_stop");
            });
        }

        Message answer = accumulator.message();
        assertThat(text(answer)).isEqualTo(text);
        assertThat(answer.usage().outputTokens()).isEqualTo((text.length() + 3) / 4);
        assertThat(answer.stopReason())
                .hasValueSatisfying(r -> assertThat(r.asString()).isEqualTo("end_turn"));
        assertThat(events.getFirst()).isEqualTo("message_start");
        assertThat(events.subList(events.size() - 3, events.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(events.stream().filter("content_block_delta"::equals)).hasSizeGreaterThan(3);
    }

    /** Past about 21,333 max tokens Anthropic wants a stream (a call may run over ten minutes). */
    @Test
    void aMaxTokensPastTheNonStreamingCeilingIsServedAsAStream() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("long answers stream"));

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = CLIENT.messages().createStreaming(message(64_000, "hi"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(text(accumulator.message())).isEqualTo("long answers stream");
        assertThat(SIMULATOR.calls(MODEL)).isEqualTo(1);
    }

    @Test
    void aThrottledMessageIsTheClientsRateLimitExceptionWithAnthropicsHeaders() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withLimits(1, 0).withAnthropicTokenLimits(30_000, 8_000));
        CLIENT.messages().create(message(50, "one"));

        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> CLIENT.messages().create(message(50, "two")));

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.headers().values("retry-after")).isNotEmpty();
        assertThat(e.headers().values("retry-after-ms")).isEmpty();
        assertThat(e.headers().values("anthropic-ratelimit-requests-remaining")).containsExactly("0");
        assertThat(e.headers().values("anthropic-ratelimit-input-tokens-limit")).isNotEmpty();
        assertThat(e.headers().values("anthropic-ratelimit-output-tokens-limit"))
                .isNotEmpty();
        assertThat(e.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(e.body().toString()).contains(e.requestId().orElseThrow());
        assertThat(e.type()).hasValueSatisfying(t -> assertThat(t.asString()).isEqualTo("rate_limit_error"));
    }

    @Test
    void theOutputTokenLimitThrottlesOnItsOwn() {
        SIMULATOR.configure(
                MODEL, ModelBehaviour.DEFAULT.withScript("x".repeat(400)).withAnthropicTokenLimits(100_000, 150));
        CLIENT.messages().create(message(1000, "one"));

        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> CLIENT.messages().create(message(1000, "two")));

        assertThat(e.headers().values("anthropic-ratelimit-output-tokens-remaining"))
                .containsExactly("50");
        assertThat(Long.parseLong(e.headers()
                        .values("anthropic-ratelimit-input-tokens-remaining")
                        .getFirst()))
                .as("the refused request counted nowhere")
                .isEqualTo(100_000 - 1);
    }

    @Test
    void aScriptedThrottleIsRetriedByTheClientAfterItsRetryAfter() {
        SIMULATOR.throttleNext(MODEL, Duration.ofSeconds(1), 1);
        AnthropicClient retrying = client("", 2);
        try {
            assertThat(text(retrying.messages().create(message(50, "hi")))).isNotNull();
        } finally {
            retrying.close();
        }

        assertThat(SIMULATOR.chatOutcomes(MODEL))
                .extracting(ChatOutcome::outcome)
                .containsExactly("throttled", "answered");
    }

    @Test
    void randomFaultsAreAnthropicsOwn500And529() {
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withErrorRate(1));
        List<Integer> statuses = new ArrayList<>();

        for (int i = 0; i < 30; i++) {
            AnthropicServiceException e = catchThrowableOfType(
                    AnthropicServiceException.class, () -> CLIENT.messages().create(message(50, "hi")));
            statuses.add(e.statusCode());
            assertThat(e.type())
                    .hasValueSatisfying(t -> assertThat(t.asString())
                            .isEqualTo(e.statusCode() == 529 ? "overloaded_error" : "api_error"));
        }

        assertThat(statuses).containsOnly(500, 529).contains(500, 529);
    }

    @Test
    void aBaseUrlEndingInV1ReachesNoRouteAndIsNotFound() {
        AnthropicClient wrong = client("/v1", 0);
        try {
            NotFoundException e = catchThrowableOfType(
                    NotFoundException.class, () -> wrong.messages().create(message(50, "hi")));

            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.type())
                    .hasValueSatisfying(t -> assertThat(t.asString()).isEqualTo("not_found_error"));
        } finally {
            wrong.close();
        }
        assertThat(SIMULATOR.totalCalls()).isZero();
    }
}
