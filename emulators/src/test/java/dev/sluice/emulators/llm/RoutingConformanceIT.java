package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the official clients cannot express, over raw HTTP: exact routes, wrong methods and unknown paths in each
 * provider's own error shape, status lines, and faults and limits on embeddings.
 */
class RoutingConformanceIT {
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
    }

    @AfterAll
    static void stop() {
        SIMULATOR.close();
    }

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(SIMULATOR.endpoint() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("content-type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void aDoubledV1IsNotAnthropicsRouteAndIsAnsweredInItsErrorShape() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/v1/messages", CHAT);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(json(response).path("request_id").asText())
                .startsWith("req_")
                .isEqualTo(response.headers().firstValue("request-id").orElseThrow());
        assertThat(SIMULATOR.totalCalls()).isZero();
    }

    @Test
    void openAiRoutesNeedTheirV1ButMayHaveACompatiblePrefix() throws Exception {
        HttpResponse<String> bare = send("POST", "/chat/completions", CHAT);
        HttpResponse<String> doubled = send("POST", "/v1/v1/chat/completions", CHAT);
        HttpResponse<String> prefixed = send("POST", "/compat/v1/chat/completions", CHAT);

        assertThat(bare.statusCode()).isEqualTo(404);
        assertThat(json(bare).at("/error/message").asText()).isEqualTo("Invalid URL (POST /chat/completions)");
        assertThat(json(bare).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(doubled.statusCode()).isEqualTo(404);
        assertThat(prefixed.statusCode()).isEqualTo(200);
    }

    @Test
    void aGetOnAPostRouteIsRefusedInEachProvidersShape() throws Exception {
        HttpResponse<String> openAi = send("GET", "/v1/chat/completions", "");
        HttpResponse<String> anthropic = send("GET", "/v1/messages", "");
        HttpResponse<String> bedrock = send("GET", "/model/amazon.nova-lite-v1%3A0/converse", "");
        HttpResponse<String> gemini = send("GET", "/v1beta/models/gemini-2.5-flash:generateContent", "");

        assertThat(openAi.statusCode()).isEqualTo(405);
        assertThat(json(openAi).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(anthropic.statusCode()).isEqualTo(405);
        assertThat(json(anthropic).path("type").asText()).isEqualTo("error");
        assertThat(bedrock.statusCode()).isEqualTo(404);
        assertThat(bedrock.headers().firstValue("x-amzn-ErrorType"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("UnknownOperationException"));
        assertThat(bedrock.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(gemini.statusCode()).isEqualTo(405);
        assertThat(json(gemini).at("/error/code").asInt()).isEqualTo(405);
        assertThat(SIMULATOR.totalCalls()).isZero();
    }

    @Test
    void ollamasEmbeddingsRouteIsOllamasNotOpenAis() throws Exception {
        HttpResponse<String> response =
                send("POST", "/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"hi\"}");

        assertThat(json(response).has("embedding")).isTrue();
        assertThat(json(response).has("data")).isFalse();
        assertThat(SIMULATOR.received())
                .singleElement()
                .satisfies(r -> assertThat(r.provider()).isEqualTo(Provider.OLLAMA));
    }

    @Test
    void aThrottleHasItsReasonPhraseInTheStatusLine() throws Exception {
        SIMULATOR.throttleNext("m", Duration.ofSeconds(1), 1);
        byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);

        String statusLine;
        try (Socket socket = new Socket("127.0.0.1", SIMULATOR.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }

        assertThat(statusLine).isEqualTo("HTTP/1.1 429 Too Many Requests");
    }

    @Test
    void aThrottleByTheTokenLimitSaysTokens() throws Exception {
        SIMULATOR.configure(
                "m", ModelBehaviour.DEFAULT.withMode(ResponseMode.ECHO).withLimits(100, 30));
        String big = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(60) + "\"}]}";
        assertThat(send("POST", "/v1/chat/completions", big).statusCode()).isEqualTo(200);

        HttpResponse<String> throttled = send("POST", "/v1/chat/completions", big);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(json(throttled).at("/error/type").asText()).isEqualTo("tokens");
        assertThat(throttled.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("99");
    }

    @Test
    void aScriptedThrottleCarriesTheModelsLimitHeaders() throws Exception {
        SIMULATOR.configure("m", ModelBehaviour.DEFAULT.withLimits(60, 10_000));
        SIMULATOR.throttleNext("m", Duration.ofSeconds(3), 1);

        HttpResponse<String> throttled = send("POST", "/v1/chat/completions", CHAT);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("x-ratelimit-limit-requests")).contains("60");
        assertThat(throttled.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        assertThat(throttled.headers().firstValue("x-ratelimit-reset-requests")).contains("3s");
    }

    @Test
    void embeddingsMeetTheModelsFaultsAndLatency() throws Exception {
        SIMULATOR.configure("broken-embed", ModelBehaviour.DEFAULT.withErrorRate(1));
        SIMULATOR.configure("slow-embed", ModelBehaviour.DEFAULT.withLatency(Latency.fixed(Duration.ofMillis(200))));
        SIMULATOR.failNext("scripted-embed", 400, 1);
        long started = System.nanoTime();

        HttpResponse<String> slow = send("POST", "/v1/embeddings", "{\"model\":\"slow-embed\",\"input\":\"hi\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> broken = send("POST", "/v1/embeddings", "{\"model\":\"broken-embed\",\"input\":\"hi\"}");
        HttpResponse<String> scripted =
                send("POST", "/v1/embeddings", "{\"model\":\"scripted-embed\",\"input\":\"hi\"}");

        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(broken.statusCode()).isIn(500, 503);
        assertThat(json(broken).at("/error/type").asText()).isEqualTo("server_error");
        assertThat(scripted.statusCode()).isEqualTo(400);
    }

    @Test
    void anthropicStatesSeparateInputAndOutputTokenLimits() throws Exception {
        SIMULATOR.configure("claude", ModelBehaviour.DEFAULT.withLimits(50, 0).withAnthropicTokenLimits(30_000, 8_000));
        String body = "{\"model\":\"claude\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = send("POST", "/v1/messages", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("anthropic-ratelimit-input-tokens-limit"))
                .contains("30000");
        assertThat(response.headers().firstValue("anthropic-ratelimit-output-tokens-limit"))
                .contains("8000");
        assertThat(Long.parseLong(response.headers()
                        .firstValue("anthropic-ratelimit-input-tokens-remaining")
                        .orElseThrow()))
                .isBetween(29_990L, 29_999L);
        assertThat(Long.parseLong(response.headers()
                        .firstValue("anthropic-ratelimit-output-tokens-remaining")
                        .orElseThrow()))
                .isBetween(7_990L, 7_999L);
    }

    @Test
    void geminiStreamsAJsonArrayWithoutAltSse() throws Exception {
        SIMULATOR.configure("gemini-2.5-flash", ModelBehaviour.DEFAULT.withScript("one two three four five six"));

        HttpResponse<String> response = send(
                "POST",
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");

        JsonNode array = json(response);
        assertThat(array.isArray()).isTrue();
        StringBuilder text = new StringBuilder();
        array.forEach(
                r -> text.append(r.at("/candidates/0/content/parts/0/text").asText()));
        assertThat(text).hasToString("one two three four five six");
    }
}
