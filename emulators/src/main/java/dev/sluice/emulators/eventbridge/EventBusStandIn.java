package dev.sluice.emulators.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A local event bus for the local runtime: answers the EventBridge {@code PutEvents} call the SDK makes (JSON 1.1
 * protocol, {@code X-Amz-Target: AWSEvents.PutEvents}) and keeps every entry so the CLI can show what was announced.
 * No EventBridge stand-in exists to run locally; rules and targets are not modelled.
 */
public final class EventBusStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Event> events = new ArrayList<>();

    /** One entry as it was put on the bus. */
    public record Event(String bus, String source, String detailType, JsonNode detail) {}

    private EventBusStandIn(HttpServer server) {
        this.server = server;
    }

    public static EventBusStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            EventBusStandIn bus = new EventBusStandIn(server);
            server.createContext("/", bus::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return bus;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local event bus", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            if (!"AWSEvents.PutEvents".equals(target)) {
                respond(
                        exchange,
                        400,
                        "{\"__type\":\"UnknownOperationException\",\"message\":\"only PutEvents is served locally\"}");
                return;
            }
            StringBuilder ids = new StringBuilder();
            synchronized (this) {
                for (JsonNode entry : body.path("Entries")) {
                    events.add(new Event(
                            entry.path("EventBusName").asText("default"),
                            entry.path("Source").asText(),
                            entry.path("DetailType").asText(),
                            JSON.readTree(entry.path("Detail").asText("{}"))));
                    ids.append(ids.isEmpty() ? "" : ",")
                            .append("{\"EventId\":\"")
                            .append(UUID.randomUUID())
                            .append("\"}");
                }
            }
            respond(exchange, 200, "{\"FailedEntryCount\":0,\"Entries\":[" + ids + "]}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
