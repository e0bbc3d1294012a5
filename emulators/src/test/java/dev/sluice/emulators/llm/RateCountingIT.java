package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three ways of counting limits, as a client sees them over HTTP, on a clock the test moves. */
class RateCountingIT {
    private static final long SECOND = 1_000_000_000L;
    /** On a second boundary, so that the per-second windows are where the test expects them. */
    private static final long START = 1_000_000 * SECOND;

    private static final AtomicLong CLOCK = new AtomicLong(START);
    private static final LlmSimulator SIMULATOR = LlmSimulator.start(0, CLOCK::get);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
        CLOCK.set(START);
    }

    @AfterAll
    static void stop() {
        SIMULATOR.close();
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(SIMULATOR.endpoint() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("content-type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> openAi(String model, String prompt) throws Exception {
        return post(
                "/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
    }

    private static HttpResponse<String> anthropic(String model) throws Exception {
        return post(
                "/v1/messages",
                "{\"model\":\"" + model
                        + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static void advance(Duration by) {
        CLOCK.addAndGet(by.toNanos());
    }

    private static long header(HttpResponse<String> response, String name) {
        return Long.parseLong(response.headers().firstValue(name).orElseThrow());
    }

    @Test
    void theSlidingMinuteAdmitsTheWholeMinuteAtOnceThenNothingUntilItHasPassed() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(120, 0));
        for (int i = 0; i < 120; i++) {
            assertThat(openAi("gpt", "burst").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = openAi("gpt", "one more");
        advance(Duration.ofSeconds(1));
        HttpResponse<String> stillRefused = openAi("gpt", "a second later");
        advance(Duration.ofSeconds(59));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after")).isEqualTo(60);
        assertThat(header(refused, "retry-after-ms")).isEqualTo(60_000);
        assertThat(stillRefused.statusCode()).isEqualTo(429);
        assertThat(header(stillRefused, "retry-after")).isEqualTo(59);
        assertThat(openAi("gpt", "a minute later").statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenBucketAdmitsABurstOfItsCapacityThenRefillsOneRequestPerSecond() throws Exception {
        SIMULATOR.configure("claude", ModelBehaviour.DEFAULT.withLimits(60, 0).withCounting(RateCounting.TOKEN_BUCKET));
        for (int i = 0; i < 60; i++) {
            assertThat(anthropic("claude").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = anthropic("claude");
        advance(Duration.ofMillis(500));
        HttpResponse<String> halfRefilled = anthropic("claude");
        advance(Duration.ofMillis(500));
        HttpResponse<String> refilled = anthropic("claude");
        HttpResponse<String> emptyAgain = anthropic("claude");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after")).isEqualTo(1);
        assertThat(header(refused, "anthropic-ratelimit-requests-remaining")).isZero();
        assertThat(refused.headers().firstValue("anthropic-ratelimit-requests-reset"))
                .contains(SIMULATOR
                        .chatOutcomes("claude")
                        .getFirst()
                        .receivedAt()
                        .plusSeconds(1)
                        .toString());
        assertThat(halfRefilled.statusCode()).isEqualTo(429);
        assertThat(refilled.statusCode()).isEqualTo(200);
        assertThat(header(refilled, "anthropic-ratelimit-requests-remaining")).isZero();
        assertThat(emptyAgain.statusCode()).isEqualTo(429);
    }

    @Test
    void aTokenBucketRefillsItsTokensContinuouslyAndSaysWhenEnoughAreBack() throws Exception {
        // 600 tokens a minute: 10 a second. Each echoed request costs 25 input and 25 output tokens.
        SIMULATOR.configure(
                "gpt",
                ModelBehaviour.DEFAULT
                        .withMode(ResponseMode.ECHO)
                        .withLimits(0, 600)
                        .withCounting(RateCounting.TOKEN_BUCKET));
        String prompt = "x".repeat(100);
        int admitted = 0;
        while (openAi("gpt", prompt).statusCode() == 200) {
            admitted++;
        }

        HttpResponse<String> refused = openAi("gpt", prompt);
        advance(Duration.ofSeconds(5));
        HttpResponse<String> back = openAi("gpt", prompt);

        assertThat(admitted).isEqualTo(12);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "x-ratelimit-remaining-tokens")).isZero();
        assertThat(header(refused, "retry-after")).isEqualTo(5);
        assertThat(header(refused, "retry-after-ms")).isEqualTo(5_000);
        assertThat(back.statusCode()).isEqualTo(200);
    }

    @Test
    void perSecondCountingAdmitsASixtiethOfTheMinutePerSecond() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(120, 0).withCounting(RateCounting.PER_SECOND));
        HttpResponse<String> first = openAi("gpt", "one");
        advance(Duration.ofMillis(300));
        HttpResponse<String> second = openAi("gpt", "two");
        advance(Duration.ofMillis(400));
        HttpResponse<String> third = openAi("gpt", "three");

        assertThat(List.of(first.statusCode(), second.statusCode(), third.statusCode()))
                .containsExactly(200, 200, 429);
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo(1);
        assertThat(header(third, "retry-after")).isEqualTo(1);
        assertThat(header(third, "retry-after-ms")).isEqualTo(300);
        assertThat(third.headers().firstValue("x-ratelimit-reset-requests")).contains("300ms");

        advance(Duration.ofMillis(300));
        assertThat(openAi("gpt", "next second").statusCode()).isEqualTo(200);
        assertThat(openAi("gpt", "next second too").statusCode()).isEqualTo(200);
        assertThat(openAi("gpt", "too many again").statusCode()).isEqualTo(429);
    }

    @Test
    void perSecondCountingLetsOneLargeRequestIntoAnEmptySecond() throws Exception {
        // 600 tokens a minute: 10 a second, less than one echoed request of 50 tokens.
        SIMULATOR.configure(
                "gpt",
                ModelBehaviour.DEFAULT
                        .withMode(ResponseMode.ECHO)
                        .withLimits(0, 600)
                        .withCounting(RateCounting.PER_SECOND));
        String prompt = "x".repeat(100);

        assertThat(openAi("gpt", prompt).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = openAi("gpt", prompt);
        advance(Duration.ofSeconds(1));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after")).isEqualTo(1);
        assertThat(openAi("gpt", prompt).statusCode()).isEqualTo(200);
    }

    @Test
    void changingAModelsCountingStartsItsCountAfresh() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(1, 0));
        assertThat(openAi("gpt", "one").statusCode()).isEqualTo(200);
        assertThat(openAi("gpt", "two").statusCode()).isEqualTo(429);

        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(1, 0).withCounting(RateCounting.TOKEN_BUCKET));

        assertThat(openAi("gpt", "three").statusCode()).isEqualTo(200);
        assertThat(openAi("gpt", "four").statusCode()).isEqualTo(429);
    }

    @Test
    void chatOutcomesRecordEachChatRequestWithItsStatusAndTimesOnTheSimulatorsClock() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(1, 0));
        SIMULATOR.configure("broken", ModelBehaviour.DEFAULT.withErrorRate(1));
        openAi("gpt", "answered");
        advance(Duration.ofMillis(250));
        openAi("gpt", "throttled");
        openAi("broken", "fails");
        post("/v1/embeddings", "{\"model\":\"gpt\",\"input\":\"not a chat\"}");

        List<ChatOutcome> outcomes = SIMULATOR.chatOutcomes("gpt");

        assertThat(outcomes).extracting(ChatOutcome::status).containsExactly(200, 429);
        assertThat(outcomes).extracting(ChatOutcome::outcome).containsExactly("answered", "throttled");
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.model()).isEqualTo("gpt");
            assertThat(o.answeredAt()).isAfterOrEqualTo(o.receivedAt());
        });
        assertThat(Duration.between(
                        outcomes.get(0).receivedAt(), outcomes.get(1).receivedAt()))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(SIMULATOR.chatOutcomes("broken"))
                .singleElement()
                .satisfies(o -> assertThat(o.status()).isIn(500, 503))
                .satisfies(o -> assertThat(o.outcome()).startsWith("error "));

        SIMULATOR.reset();
        assertThat(SIMULATOR.chatOutcomes("gpt")).isEmpty();
    }

    @Test
    void chatOutcomesAreInArrivalOrderWhateverOrderTheyAreAnsweredIn() throws Exception {
        SIMULATOR.configure("slow", ModelBehaviour.DEFAULT.withLatency(Latency.fixed(Duration.ofSeconds(1))));
        var first = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(SIMULATOR.endpoint() + "/api/chat"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"slow\",\"messages\":[]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        while (SIMULATOR.calls("slow") == 0) {
            Thread.sleep(5);
        }
        SIMULATOR.configure("slow", ModelBehaviour.DEFAULT);
        advance(Duration.ofMillis(10));
        assertThat(post("/api/chat", "{\"model\":\"slow\",\"messages\":[]}").statusCode())
                .isEqualTo(200);
        advance(Duration.ofMillis(10));
        assertThat(first.get().statusCode()).isEqualTo(200);

        List<ChatOutcome> outcomes = SIMULATOR.chatOutcomes("slow");

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0).receivedAt()).isBefore(outcomes.get(1).receivedAt());
        assertThat(outcomes.get(0).answeredAt()).isAfter(outcomes.get(1).answeredAt());
    }
}
