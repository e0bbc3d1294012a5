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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ollama's HTTP API as its own server answers it (Ollama has no official Java client): raw HTTP. */
class OllamaConformanceIT {
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

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(SIMULATOR.endpoint() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> lines(String body) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void chatStreamsNewlineDelimitedJsonByDefault() throws Exception {
        String text = "ollama streams one json object per line until done is true";
        SIMULATOR.configure("llama3.2", ModelBehaviour.DEFAULT.withScript(text));

        HttpResponse<String> response = send(
                "POST", "/api/chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.headers().firstValue("content-type")).contains("application/x-ndjson");
        List<JsonNode> lines = lines(response.body());
        assertThat(lines).hasSizeGreaterThan(3);
        assertThat(lines.subList(0, lines.size() - 1))
                .allSatisfy(l -> assertThat(l.path("done").asBoolean()).isFalse());
        JsonNode last = lines.getLast();
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo("stop");
        assertThat(last.path("eval_count").asLong()).isEqualTo((text.length() + 3) / 4);
        assertThat(String.join(
                        "",
                        lines.stream()
                                .map(l -> l.at("/message/content").asText())
                                .toList()))
                .isEqualTo(text);
    }

    @Test
    void chatWithStreamFalseAnswersOneObject() throws Exception {
        SIMULATOR.configure("llama3.2", ModelBehaviour.DEFAULT.withScript("just once"));

        HttpResponse<String> response = send(
                "POST",
                "/api/chat",
                "{\"model\":\"llama3.2\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/message/content").asText()).isEqualTo("just once");
        assertThat(body.path("done").asBoolean()).isTrue();
    }

    @Test
    void aMalformedStreamStopsMidLine() throws Exception {
        SIMULATOR.configure("garbled", ModelBehaviour.DEFAULT.withMalformedRate(1));

        HttpResponse<String> response = send(
                "POST", "/api/chat", "{\"model\":\"garbled\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> lines(response.body())).isInstanceOf(IOException.class);
    }

    @Test
    void embedAndTheOlderEmbeddingsAnswerInTheirOwnShapes() throws Exception {
        JsonNode embed = JSON.readTree(send(
                        "POST",
                        "/api/embed",
                        "{\"model\":\"nomic-embed-text\",\"input\":[\"red apples\",\"green pears\"]}")
                .body());
        JsonNode legacy = JSON.readTree(
                send("POST", "/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"red apples\"}")
                        .body());

        assertThat(embed.path("embeddings")).hasSize(2);
        assertThat(embed.at("/embeddings/0")).hasSize(768);
        assertThat(embed.path("prompt_eval_count").asLong()).isPositive();
        assertThat(legacy.path("embedding")).isEqualTo(embed.at("/embeddings/0"));
        assertThat(SIMULATOR.received()).extracting(ReceivedRequest::provider).containsOnly(Provider.OLLAMA);
    }

    @Test
    void embeddingsCountAgainstTheModelsLimits() throws Exception {
        SIMULATOR.configure("nomic-embed-text", ModelBehaviour.DEFAULT.withLimits(1, 0));
        String body = "{\"model\":\"nomic-embed-text\",\"input\":\"hi\"}";

        assertThat(send("POST", "/api/embed", body).statusCode()).isEqualTo(200);
        HttpResponse<String> throttled = send("POST", "/api/embed", body);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(throttled.body()).path("error").asText()).isNotBlank();
    }

    @Test
    void unknownPathsAndMethodsGetOllamasPlainTextAnswers() throws Exception {
        HttpResponse<String> unknown = send("POST", "/api/nothing", "{}");
        HttpResponse<String> wrongMethod = send("GET", "/api/chat", "");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("404 page not found");
        assertThat(unknown.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).isEqualTo("405 method not allowed");
    }
}
