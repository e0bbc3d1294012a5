package dev.sluice.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code ./sluice console --api}: what reaches the stack's API (a real HTTP server standing in for API Gateway,
 * recording each request) and what the browser gets back; what never leaves the machine.
 */
class ConsoleProxyTest {
    /** One request as the stand-in for API Gateway received it. */
    record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst();
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpClient browser = HttpClient.newHttpClient();
    private HttpServer gateway;
    private ConsoleProxy proxy;

    @BeforeEach
    void startGateway() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        gateway.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            received.add(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] page = "<h1>Jobs</h1>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'");
            exchange.getResponseHeaders().set("Set-Cookie", "tracking=1");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        gateway.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        gateway.stop(0);
    }

    private URI api() {
        return URI.create("http://127.0.0.1:" + gateway.getAddress().getPort() + "/");
    }

    @Test
    void aPageIsFetchedWithTheOperatorsTokenAndComesBackWithItsSecurityHeaders() throws Exception {
        proxy = ConsoleProxy.start(0, api(), new ConsoleProxy.Credentials.Bearer(() -> "operator-token"));

        HttpResponse<String> page = get("jobs/rows?status=FAILED&q=job_1");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<h1>Jobs</h1>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
        Received r = received.getFirst();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.pathAndQuery()).isEqualTo("/jobs/rows?status=FAILED&q=job_1");
        assertThat(r.header("Authorization")).hasValue("Bearer operator-token");
    }

    @Test
    void withIamEachRequestIsSignedForExecuteApiInTheStacksRegion() throws Exception {
        proxy = ConsoleProxy.start(
                0,
                api(),
                new ConsoleProxy.Credentials.SigV4(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                        "eu-west-1"));

        assertThat(get("dead-letters").statusCode()).isEqualTo(200);

        Received r = received.getFirst();
        assertThat(r.header("Authorization"))
                .get()
                .asString()
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/execute-api/aws4_request")
                .contains("SignedHeaders=")
                .contains("Signature=");
        assertThat(r.header("X-Amz-Date")).isPresent();
        assertThat(ConsoleProxy.regionOf(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com")))
                .hasValue("eu-west-1");
        assertThat(ConsoleProxy.regionOf(URI.create("https://api.example.com"))).isEmpty();
    }

    @Test
    void aRedriveIsPassedOnOnlyFromTheConsolesOwnPage() throws Exception {
        proxy = ConsoleProxy.start(0, api(), new ConsoleProxy.Credentials.Bearer(() -> "operator-token"));
        String self = "http://127.0.0.1:" + proxy.endpoint().getPort();

        assertThat(post("dead-letters/redrive", "http://evil.example").statusCode())
                .isEqualTo(403);
        assertThat(post("dead-letters/redrive", null).statusCode()).isEqualTo(403);
        assertThat(received).isEmpty();

        assertThat(post("dead-letters/redrive", self).statusCode()).isEqualTo(200);
        Received r = received.getFirst();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.pathAndQuery()).isEqualTo("/dead-letters/redrive");
        assertThat(r.header("Origin")).as("checked here, not passed on").isEmpty();
    }

    @Test
    void anotherHostNameAndTheApisOwnRoutesNeverLeaveTheMachine() throws Exception {
        proxy = ConsoleProxy.start(0, api(), new ConsoleProxy.Credentials.Bearer(() -> "operator-token"));
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), proxy.endpoint().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 421");
        }
        assertThat(get("v1/jobs/job_1").statusCode()).isEqualTo(404);
        assertThat(received).isEmpty();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(
                HttpRequest.newBuilder(proxy.endpoint().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String origin) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(proxy.endpoint().resolve(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
