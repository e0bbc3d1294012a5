package dev.sluice.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.bootstrap.console.Console;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * {@code ./sluice console --api <url>}: a stack's console, opened in a browser on this machine. A browser cannot
 * attach the API's credentials to the pages it loads (a JWT authorizer reads the {@code Authorization} header; an IAM
 * one wants each request signed), so this serves 127.0.0.1 only and forwards each request to the stack's API with
 * them: the operator's bearer token, or a SigV4 signature ({@code execute-api}) from the operator's AWS credentials.
 * Since it adds credentials, it lets through only what the local console does: requests naming 127.0.0.1 or
 * localhost, and the redrive POST only from its own pages.
 */
public final class ConsoleProxy implements AutoCloseable {
    /** The browser's headers passed on; its cookies, Origin and the like stay here. */
    private static final List<String> FORWARDED_HEADERS = List.of("accept", "content-type");

    /** How the proxy proves who the operator is. */
    public sealed interface Credentials {
        /** A JWT from the stack's identity provider, holding the {@code sluice/operator} scope. */
        record Bearer(Supplier<String> token) implements Credentials {}

        /** AWS credentials of a role the stack lists in {@code operatorRoles}, signing for {@code region}. */
        record SigV4(AwsCredentialsProvider credentials, String region) implements Credentials {}
    }

    private final HttpServer server;
    private final URI api;
    private final Credentials credentials;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private ConsoleProxy(HttpServer server, URI api, Credentials credentials) {
        this.server = server;
        this.api = api;
        this.credentials = credentials;
    }

    /** Serves on 127.0.0.1:{@code port} (0: any free port) and forwards to {@code api}, the stack's API URL. */
    public static ConsoleProxy start(int port, URI api, Credentials credentials) throws IOException {
        if (!"https".equals(api.getScheme()) && !"http".equals(api.getScheme())) {
            throw new IllegalArgumentException("--api must be the stack's API URL, https://... (got " + api + ")");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ConsoleProxy proxy = new ConsoleProxy(server, api, credentials);
        server.createContext("/", proxy::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return proxy;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (!WebConsole.localHost(host)) {
                text(exchange, 421, "this console answers on 127.0.0.1 or localhost only");
                return;
            }
            if (!Console.serves(path)) {
                text(exchange, 404, "this opens the stack's console; call its API (" + path + ") with your client");
                return;
            }
            if ("POST".equals(method)
                    && !WebConsole.sameOrigin(
                            host,
                            exchange.getRequestHeaders().getFirst("Origin"),
                            exchange.getRequestHeaders().getFirst("Referer"))) {
                text(exchange, 403, "a redrive must come from the console's own page");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            URI target = URI.create(stripSlash(api.toString()) + path + (query == null ? "" : "?" + query));
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request(method, target, body, exchange), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                text(exchange, 502, "the stack's API did not answer: " + e.getMessage());
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                if (n.equals("content-type")
                        || n.equals("content-security-policy")
                        || n.equals("x-content-type-options")
                        || n.equals("referrer-policy")
                        || n.equals("cache-control")
                        || n.equals("allow")
                        || n.equals("x-correlation-id")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            send(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest request(String method, URI target, byte[] body, HttpExchange exchange) {
        HttpRequest.Builder out = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(35))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : FORWARDED_HEADERS) {
            Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)).ifPresent(v -> out.header(name, v));
        }
        switch (credentials) {
            case Credentials.Bearer bearer ->
                out.header("Authorization", "Bearer " + bearer.token().get());
            case Credentials.SigV4 sigV4 ->
                signed(sigV4, method, target, body, exchange).forEach((name, values) -> {
                    // The JDK's client sets Host itself (from the same URI it was signed for).
                    if (!name.equalsIgnoreCase("host")) {
                        values.forEach(v -> out.header(name, v));
                    }
                });
        }
        return out.build();
    }

    private static Map<String, List<String>> signed(
            Credentials.SigV4 sigV4, String method, URI target, byte[] body, HttpExchange exchange) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().uri(target).method(SdkHttpMethod.fromValue(method));
        for (String name : FORWARDED_HEADERS) {
            Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)).ifPresent(v -> request.putHeader(name, v));
        }
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(sigV4.credentials().resolveCredentials())
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, sigV4.region()))
                .request()
                .headers();
    }

    /** The region of an API Gateway URL ({@code https://abc123.execute-api.eu-west-1.amazonaws.com}), if it says. */
    public static Optional<String> regionOf(URI api) {
        String[] parts = Optional.ofNullable(api.getHost()).orElse("").split("\\.");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equals("execute-api")) {
                return Optional.of(parts[i + 1]);
            }
        }
        return Optional.empty();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
