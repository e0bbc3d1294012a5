package dev.sluice.adapter.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A wire-level stand-in for an AWS JSON-protocol service (EventBridge, Secrets Manager) where no local
 * implementation exists: a JDK HTTP server on 127.0.0.1 that records each request the SDK sends (action header,
 * body) and answers with what the test scripts per action, shaped as AWS answers (status, JSON body,
 * {@code x-amzn-ErrorType} on errors).
 */
public final class AwsJsonFake implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(String method, String target, String contentType, String authorization, String body) {}

    /** What to answer. */
    public record Response(int status, String body, String errorType) {
        public static Response ok(String body) {
            return new Response(200, body, "");
        }

        public static Response error(int status, String type, String message) {
            return new Response(status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}", type);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Function<Request, Response>> answers = new ConcurrentHashMap<>();

    public AwsJsonFake() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers requests whose {@code X-Amz-Target} is {@code target} (e.g. {@code AWSEvents.PutEvents}). */
    public void answer(String target, Function<Request, Response> answer) {
        answers.put(target, answer);
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(
                    exchange.getRequestMethod(),
                    header(exchange, "X-Amz-Target"),
                    header(exchange, "Content-Type"),
                    header(exchange, "Authorization"),
                    body);
            synchronized (this) {
                requests.add(request);
            }
            Response response = answers.getOrDefault(
                            request.target(),
                            r -> Response.error(400, "UnknownOperationException", "no answer for " + r.target()))
                    .apply(request);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders()
                    .add("x-amzn-RequestId", UUID.randomUUID().toString());
            if (!response.errorType().isEmpty()) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", response.errorType());
            }
            exchange.sendResponseHeaders(response.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
