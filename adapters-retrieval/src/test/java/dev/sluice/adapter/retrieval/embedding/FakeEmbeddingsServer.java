package dev.sluice.adapter.retrieval.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A wire-level stand-in for a provider's embeddings API on 127.0.0.1: it answers OpenAI's {@code POST
 * /v1/embeddings} and Bedrock's {@code POST /model/{id}/invoke} (Titan) with deterministic vectors, records every
 * request, and can be told to fail the next requests with a status, headers and body.
 */
final class FakeEmbeddingsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse("");
        }
    }

    record Failure(int status, Map<String, String> headers, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private volatile int dimensionOverride;

    FakeEmbeddingsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void failNext(Failure failure) {
        failures.add(failure);
    }

    /** Answer with vectors of this length whatever was asked (a misconfigured model). */
    void answerWithDimension(int dimension) {
        this.dimensionOverride = dimension;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        requests.add(new Request(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                Map.copyOf(exchange.getRequestHeaders()),
                body));
        if (!failures.isEmpty()) {
            Failure f = failures.removeFirst();
            f.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            respond(exchange, f.status(), f.body());
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/embeddings")) {
            respond(exchange, 200, openAi(body));
        } else if (path.startsWith("/model/") && path.endsWith("/invoke")) {
            respond(exchange, 200, titan(body));
        } else {
            respond(exchange, 404, "{\"error\":{\"message\":\"no route " + path + "\"}}");
        }
    }

    private String openAi(JsonNode body) throws IOException {
        int dimension = dimensionOverride > 0
                ? dimensionOverride
                : body.path("dimensions").asInt(1536);
        List<Map<String, Object>> data = new ArrayList<>();
        int i = 0;
        for (JsonNode input : body.path("input")) {
            data.add(Map.of("object", "embedding", "index", i++, "embedding", vector(input.asText(), dimension)));
        }
        return JSON.writeValueAsString(Map.of(
                "object",
                "list",
                "data",
                data,
                "model",
                body.path("model").asText(),
                "usage",
                Map.of("prompt_tokens", data.size() * 3, "total_tokens", data.size() * 3)));
    }

    private String titan(JsonNode body) throws IOException {
        int dimension = dimensionOverride > 0
                ? dimensionOverride
                : body.path("dimensions").asInt(1024);
        return JSON.writeValueAsString(
                Map.of("embedding", vector(body.path("inputText").asText(), dimension), "inputTextTokenCount", 3));
    }

    static List<Float> vector(String text, int dimension) {
        List<Float> v = new ArrayList<>(dimension);
        int seed = text.hashCode();
        for (int i = 0; i < dimension; i++) {
            seed = seed * 1103515245 + 12345;
            v.add(((seed >>> 8) % 1000) / 1000f);
        }
        return v;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
