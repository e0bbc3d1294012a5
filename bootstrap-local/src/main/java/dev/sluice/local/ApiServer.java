package dev.sluice.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.bootstrap.dispatcher.DispatcherHandler;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.local.bench.coldstart.FunctionContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The HTTP API on localhost: each request becomes an API Gateway HTTP API (payload 2.0) event for the real
 * dispatcher handler, and its answer becomes the HTTP response, as API Gateway would do. Like API Gateway it refuses,
 * before the dispatcher runs, what is too large to pass on: a body over the dispatcher's limit (413, without reading
 * it), request line and headers over 10240 bytes (431), a body that cannot be read (400, e.g. a bad chunk size).
 *
 * <p>It runs on the JDK's {@code com.sun.net.httpserver}, whose limits are JVM-wide system properties read once, when
 * the process makes its first {@code HttpServer} (see {@link #configureJdkHttpServer}). What that server does not
 * let a handler change: a request line or header line ended by LF alone, and any request whose first line or headers
 * never end, is waited on until {@code maxReqTime} and then closed without an answer; over its header limits
 * ({@code maxReqHeaders}, {@code maxReqHeaderSize}) it closes without an answer; a malformed request line, URI or
 * {@code Content-Length} gets its own 400 (HTML, not JSON).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ApiServer.class);

    /** API Gateway's quota for an HTTP API: the request line and header values together, in bytes. */
    static final int MAX_HEADER_BYTES = 10_240;

    /** The dispatcher's own limit; the local front door refuses larger bodies itself, as Lambda's would. */
    static final int MAX_BODY_BYTES = DispatcherHandler.MAX_BODY_BYTES;

    /** Seconds a request may take to arrive whole, from its first byte; a new connection may stay silent as long. */
    static final String MAX_REQUEST_SECONDS = "10";

    static {
        configureJdkHttpServer();
    }

    private final HttpServer server;
    private final RequestStreamHandler dispatcher;
    private final java.util.concurrent.atomic.AtomicLong invocations = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong invocationNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Optional<com.sun.net.httpserver.HttpHandler> console;

    public ApiServer(int port, RequestStreamHandler dispatcher) throws IOException {
        this(port, dispatcher, java.util.Optional.empty());
    }

    /**
     * @param console answers every path outside the API's {@code /v1/...} (the web console of {@code sluice up})
     */
    public ApiServer(
            int port, RequestStreamHandler dispatcher, java.util.Optional<com.sun.net.httpserver.HttpHandler> console)
            throws IOException {
        this.dispatcher = dispatcher;
        this.console = console;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /**
     * Bounds what a client can hold a connection for, where the JDK server allows it; a value already set (on the
     * command line) is kept. Effective only if called before the process's first {@code HttpServer} is made (the
     * LLM simulator and the event bus stand-in make theirs too), so the local runtime calls it at startup.
     *
     * <ul>
     *   <li>{@code sun.net.httpserver.maxReqTime}: the default waits forever for a request that never ends (a bare
     *       CRLF, LF-only lines, a TLS ClientHello on the plain port, a body shorter than its length); now such a
     *       connection is closed after {@value #MAX_REQUEST_SECONDS} s. Also bounds a new connection that sends
     *       nothing.
     *   <li>{@code sun.net.httpserver.clockTick}: idle and silent connections are checked every second, not every
     *       ten.
     *   <li>{@code sun.net.httpserver.maxReqHeaders}: over 200 distinct header names the JDK closes the connection
     *       without a word; raised, so that this server answers such requests with a 431 itself.
     *   <li>{@code sun.net.httpserver.nodelay}: the JDK server writes headers and body separately; without
     *       TCP_NODELAY Nagle adds ~40 ms per response. (The LLM simulator set it for the whole JVM while it ran on
     *       this server; it runs on Jetty now.)
     * </ul>
     */
    public static void configureJdkHttpServer() {
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.clockTick", "1000");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "10000");
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        if (console.isPresent()
                && dev.sluice.bootstrap.console.Console.serves(
                        exchange.getRequestURI().getRawPath())) {
            console.get().handle(exchange);
            return;
        }
        try {
            int headerBytes = headerBytes(exchange);
            if (headerBytes > MAX_HEADER_BYTES) {
                refuse(
                        exchange,
                        431,
                        "headers_too_large",
                        null,
                        "the request line and headers are " + headerBytes + " bytes; the limit is " + MAX_HEADER_BYTES
                                + ", as API Gateway's");
                return;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                // Refused on its declared length, unread.
                refuse(exchange, 413, "too_large", "body", tooLarge());
                return;
            }
            byte[] body;
            try {
                body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            } catch (IOException e) {
                // A chunk size that is not hexadecimal, a body cut short, a connection timed out: say what, if the
                // connection still takes an answer.
                refuse(
                        exchange,
                        400,
                        "invalid_request",
                        "body",
                        "body: could not be read (" + e.getMessage() + "); send a Content-Length or valid chunks");
                return;
            }
            if (body.length > MAX_BODY_BYTES) {
                refuse(exchange, 413, "too_large", "body", tooLarge());
                return;
            }
            respond(exchange, body);
        } catch (RuntimeException e) {
            // A defect here or in the dispatcher: logged whole, the client gets no internals.
            LOG.error("local API request failed", e);
            refuse(exchange, 500, "internal", null, "sluice failed to handle the request; see .sluice/sluice.log");
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange, byte[] body) throws IOException {
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
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("timeEpoch", Instant.now().toEpochMilli());
        context.putObject("http")
                .put("method", exchange.getRequestMethod())
                .put("path", exchange.getRequestURI().getRawPath())
                .put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        // As API Gateway does with a body that is not text: passed on base64, for the dispatcher to judge.
        String text = utf8(body);
        event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
        event.put("isBase64Encoded", text == null);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] request = Json.MAPPER.writeValueAsBytes(event);
        long started = System.nanoTime();
        try {
            dispatcher.handleRequest(
                    new ByteArrayInputStream(request), out, FunctionContext.local("dispatcher", 29_000));
        } finally {
            invocationNanos.addAndGet(System.nanoTime() - started);
            invocations.incrementAndGet();
        }
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
    }

    /** The request line and every header name and value, in bytes, as API Gateway counts them. */
    private static int headerBytes(HttpExchange exchange) {
        long bytes = exchange.getRequestMethod().length()
                + exchange.getRequestURI().toString().length()
                + exchange.getProtocol().length()
                + 2;
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + value.length();
            }
        }
        return (int) Math.min(bytes, Integer.MAX_VALUE);
    }

    private static String tooLarge() {
        return "body: is larger than " + MAX_BODY_BYTES + " bytes (6 MiB), the most one request takes";
    }

    private static String utf8(byte[] bytes) {
        return DispatcherHandler.utf8(bytes).orElse(null);
    }

    /**
     * An answer of this front door's own, in the API's error shape; the connection is closed after it, since what
     * is left of the request (an unread body) cannot be trusted to frame the next one.
     */
    private static void refuse(HttpExchange exchange, int status, String code, String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        try {
            byte[] body = Json.MAPPER.writeValueAsBytes(error);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        } catch (IOException | RuntimeException e) {
            // The client is gone, or the answer was already begun: closing is all that is left.
            LOG.debug("could not answer {}: {}", status, e.toString());
        }
    }

    /** Dispatcher invocations so far (one per request that reached it). */
    public long invocations() {
        return invocations.get();
    }

    /** The dispatcher's time inside its handler so far, summed over invocations. */
    public long invocationNanos() {
        return invocationNanos.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
