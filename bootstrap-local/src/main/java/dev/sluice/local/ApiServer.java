package dev.sluice.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.bootstrap.shared.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The HTTP API on localhost: each request becomes an API Gateway HTTP API (payload 2.0) event for the real
 * dispatcher handler, and its answer becomes the HTTP response, as API Gateway would do.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final RequestStreamHandler dispatcher;

    public ApiServer(int port, RequestStreamHandler dispatcher) throws IOException {
        this.dispatcher = dispatcher;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("version", "2.0");
            event.put("routeKey", "$default");
            event.put("rawPath", exchange.getRequestURI().getRawPath());
            event.put(
                    "rawQueryString",
                    exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : exchange.getRequestURI().getRawQuery());
            ObjectNode headers = event.putObject("headers");
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            ObjectNode context = event.putObject("requestContext");
            context.put("requestId", UUID.randomUUID().toString());
            context.put("timeEpoch", Instant.now().toEpochMilli());
            context.putObject("http")
                    .put("method", exchange.getRequestMethod())
                    .put("path", exchange.getRequestURI().getRawPath())
                    .put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
            event.put("body", new String(body, StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            dispatcher.handleRequest(
                    new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)),
                    out,
                    new LocalContext("dispatcher", 29_000));
            JsonNode response = Json.MAPPER.readTree(out.toByteArray());
            response.path("headers")
                    .properties()
                    .forEach(h -> exchange.getResponseHeaders()
                            .set(h.getKey(), h.getValue().asText()));
            byte[] responseBody = response.path("body").asText("").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(
                    response.path("statusCode").asInt(502), responseBody.length == 0 ? -1 : responseBody.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(responseBody);
            }
        } catch (RuntimeException e) {
            byte[] error = Json.MAPPER.writeValueAsBytes(Map.of("error", "internal", "message", e.toString()));
            exchange.sendResponseHeaders(500, error.length);
            exchange.getResponseBody().write(error);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
