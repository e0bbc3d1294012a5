package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmSimulatorIT {
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
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

    private static String openAi(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Test
    void openAiAnswersWithUsageAndRecordsTheRequest() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withScript("hello there"));

        HttpResponse<String> response = post("/v1/chat/completions", openAi("gpt", "12345678"));

        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("hello there");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(2);
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(3);
        assertThat(SIMULATOR.calls("gpt")).isEqualTo(1);
        assertThat(SIMULATOR.received("gpt")).singleElement().satisfies(r -> {
            assertThat(r.provider()).isEqualTo(Provider.OPENAI);
            assertThat(r.body()).contains("12345678");
        });
    }

    @Test
    void openAiRequestLimitAnswers429WithRetryAfterAndRateLimitHeaders() throws Exception {
        SIMULATOR.configure("gpt", ModelBehaviour.DEFAULT.withLimits(1, 0));
        assertThat(post("/v1/chat/completions", openAi("gpt", "one")).statusCode())
                .isEqualTo(200);

        HttpResponse<String> throttled = post("/v1/chat/completions", openAi("gpt", "two"));

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow()))
                .isBetween(50L, 60L);
        assertThat(Long.parseLong(
                        throttled.headers().firstValue("retry-after-ms").orElseThrow()))
                .isBetween(50_000L, 60_000L);
        assertThat(throttled.headers().firstValue("x-ratelimit-limit-requests")).contains("1");
        assertThat(throttled.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        assertThat(throttled.headers().firstValue("x-ratelimit-reset-requests"))
                .hasValueSatisfying(v -> assertThat(v).matches("\\d+s|1m0s"));
        assertThat(JSON.readTree(throttled.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void aTokenLimitThrottlesOnceTheMinutesTokensAreSpent() throws Exception {
        SIMULATOR.configure(
                "gpt", ModelBehaviour.DEFAULT.withMode(ResponseMode.ECHO).withLimits(0, 30));
        String prompt = "x".repeat(60);
        assertThat(post("/v1/chat/completions", openAi("gpt", prompt)).statusCode())
                .isEqualTo(200);

        assertThat(post("/v1/chat/completions", openAi("gpt", prompt)).statusCode())
                .isEqualTo(429);
    }

    @Test
    void anthropicThrottlesWithItsOwnHeadersAndErrorType() throws Exception {
        SIMULATOR.configure("claude", ModelBehaviour.DEFAULT.withLimits(1, 1000));
        String body = "{\"model\":\"claude\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(post("/v1/messages", body).statusCode()).isEqualTo(200);

        HttpResponse<String> throttled = post("/v1/messages", body);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).isPresent();
        assertThat(throttled.headers().firstValue("retry-after-ms")).isEmpty();
        assertThat(throttled.headers().firstValue("anthropic-ratelimit-requests-remaining"))
                .contains("0");
        assertThat(throttled.headers().firstValue("anthropic-ratelimit-tokens-limit"))
                .contains("1000");
        assertThat(throttled.headers().firstValue("anthropic-ratelimit-input-tokens-limit"))
                .as("a combined limit is not copied into the input and output ones")
                .isEmpty();
        assertThat(throttled.headers().firstValue("anthropic-ratelimit-requests-reset"))
                .hasValueSatisfying(v -> assertThat(v).endsWith("Z"));
        assertThat(JSON.readTree(throttled.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void aScriptedAnswerIsSentVerbatimOnceAnsweredEvenPastTheMaxTokens() throws Exception {
        String deep = "[".repeat(5_000);
        SIMULATOR.throttleNext("gpt", Duration.ofMillis(10), 1).answerNext("gpt", deep, 1);
        String request = "{\"model\":\"gpt\",\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        assertThat(post("/v1/chat/completions", request).statusCode()).isEqualTo(429);
        JsonNode scripted = JSON.readTree(post("/v1/chat/completions", request).body());
        JsonNode next = JSON.readTree(post("/v1/chat/completions", request).body());

        assertThat(scripted.at("/choices/0/message/content").asText())
                .as("kept for the request that was answered")
                .isEqualTo(deep);
        assertThat(scripted.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(scripted.at("/usage/completion_tokens").asLong()).isEqualTo(400);
        assertThat(next.at("/choices/0/message/content").asText())
                .as("once only: then the behaviour answers")
                .isNotEqualTo(deep);
    }

    @Test
    void aScriptedOpenAiThrottleSaysItsWaitInMillisecondsToo() throws Exception {
        SIMULATOR.throttleNext("gpt", Duration.ofMillis(2500), 1);

        HttpResponse<String> throttled = post("/v1/chat/completions", openAi("gpt", "hi"));

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).contains("2");
        assertThat(throttled.headers().firstValue("retry-after-ms")).contains("2500");
    }

    @Test
    void bedrockThrottlesWithAThrottlingException() throws Exception {
        SIMULATOR.throttleNext("amazon.nova-lite-v1:0", Duration.ofSeconds(4), 1);

        HttpResponse<String> throttled = post(
                "/model/amazon.nova-lite-v1:0/converse",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}");

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-amzn-ErrorType"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("ThrottlingException"));
        assertThat(SIMULATOR.calls("amazon.nova-lite-v1:0")).isEqualTo(1);
    }

    @Test
    void geminiPutsItsRetryDelayInTheBodyNotAHeader() throws Exception {
        SIMULATOR.throttleNext("gemini-2.5-flash", Duration.ofSeconds(12), 1);

        HttpResponse<String> throttled = post(
                "/v1beta/models/gemini-2.5-flash:generateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).isEmpty();
        assertThat(JSON.readTree(throttled.body())
                        .at("/error/details/0/retryDelay")
                        .asText())
                .isEqualTo("12s");
    }

    @Test
    void injectedFaultsAnswerServerErrorsAndGarbledBodies() throws Exception {
        SIMULATOR.configure("broken", ModelBehaviour.DEFAULT.withErrorRate(1));
        SIMULATOR.configure("garbled", ModelBehaviour.DEFAULT.withMalformedRate(1));

        assertThat(post("/api/chat", "{\"model\":\"broken\",\"messages\":[]}").statusCode())
                .isIn(500, 503);
        HttpResponse<String> garbled = post("/api/chat", "{\"model\":\"garbled\",\"messages\":[]}");
        assertThat(garbled.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JSON.readTree(garbled.body())).isInstanceOf(IOException.class);
    }

    @Test
    void aConfiguredLatencyDelaysTheAnswer() throws Exception {
        SIMULATOR.configure("slow", ModelBehaviour.DEFAULT.withLatency(Latency.fixed(Duration.ofMillis(150))));
        long started = System.nanoTime();

        post("/api/chat", "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsThatPlaceSimilarTextsClose() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"dimensions\":64,"
                + "\"input\":[\"red apples and green pears\",\"green pears and red apples\",\"tax law of 1901\"]}";

        JsonNode first = JSON.readTree(post("/v1/embeddings", body).body());
        JsonNode again = JSON.readTree(post("/v1/embeddings", body).body());

        assertThat(first).isEqualTo(again);
        double[] a = vector(first.at("/data/0/embedding"));
        double[] b = vector(first.at("/data/1/embedding"));
        double[] c = vector(first.at("/data/2/embedding"));
        assertThat(a).hasSize(64);
        assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(dot(a, b)).isGreaterThan(dot(a, c) + 0.5);
    }

    @Test
    void aPromptAskingForJsonGetsValidJsonWithTheRequiredFieldsOnEveryWire() throws Exception {
        String system =
                "Classify the text. Answer with JSON only: {\\\"label\\\": \\\"...\\\", \\\"confidence\\\": 0.0}";
        String openAi = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\"},{\"role\":\"user\",\"content\":\"The invoice total is wrong.\"}]}";
        String anthropic = "{\"model\":\"claude\",\"max_tokens\":100,\"system\":\"" + system
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"The invoice total is wrong.\"}]}";

        JsonNode fromOpenAi =
                JSON.readTree(JSON.readTree(post("/v1/chat/completions", openAi).body())
                        .at("/choices/0/message/content")
                        .asText());
        JsonNode fromAnthropic =
                JSON.readTree(JSON.readTree(post("/v1/messages", anthropic).body())
                        .at("/content/0/text")
                        .asText());

        for (JsonNode answer : new JsonNode[] {fromOpenAi, fromAnthropic}) {
            assertThat(answer.path("label").asText()).isNotBlank();
            assertThat(answer.path("confidence").isNumber()).isTrue();
        }
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        assertThat(post("/v2/whatever", "{}").statusCode()).isEqualTo(404);
    }

    private static double[] vector(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
