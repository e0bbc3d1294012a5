package dev.sluice.emulators.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The simulator's HTTP server on 127.0.0.1: HTTP/1.1 and cleartext HTTP/2 with prior knowledge (what the AWS SDK's
 * netty client speaks to an {@code http://} endpoint) on one port, each request served on a virtual thread.
 */
final class SimulatorServer implements AutoCloseable {
    /** Serves one request; it may block (latency, hangs), and must answer through the exchange. */
    @FunctionalInterface
    interface Service {
        void serve(Exchange exchange) throws IOException, InterruptedException;
    }

    /**
     * Long enough for a simulated hang (five minutes by default) to end in its 504 rather than in a closed
     * connection.
     */
    private static final Duration IDLE = Duration.ofMinutes(15);

    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    SimulatorServer(int port, Service service) {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("llm-simulator");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // Bedrock model ids may be inference profile ARNs, whose '/' the SDK sends as %2F in the path.
        config.setUriCompliance(UriCompliance.UNSAFE);
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
        h2c.setMaxConcurrentStreams(1024);
        h2c.setStreamIdleTimeout(IDLE.toMillis());
        connector = new ServerConnector(server, new HttpConnectionFactory(config), h2c);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(IDLE.toMillis());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                executor.execute(() -> serve(service, new Exchange(request, response), callback));
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new UncheckedIOException(
                    "cannot start the LLM simulator on 127.0.0.1:" + port,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static void serve(Service service, Exchange exchange, Callback callback) {
        try {
            service.serve(exchange);
            callback.succeeded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the LLM simulator", e);
        } finally {
            executor.shutdownNow();
        }
    }

    /** One request and its response, read and written blocking. */
    static final class Exchange {
        private final Request request;
        private final Response response;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();

        private Exchange(Request request, Response response) {
            this.request = request;
            this.response = response;
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>())
                        .add(field.getValue());
            }
        }

        String method() {
            return request.getMethod();
        }

        /** {@code HTTP/1.1} or {@code HTTP/2.0}. */
        String protocol() {
            return request.getConnectionMetaData().getProtocol();
        }

        /** The path as sent, still percent-encoded. */
        String rawPath() {
            String path = request.getHttpURI().getPath();
            return path == null ? "/" : path;
        }

        /** The path decoded, as it is recorded. */
        String path() {
            return URLDecoder.decode(rawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        /** Whether the query string holds {@code name=value}. */
        boolean hasQuery(String name, String value) {
            String query = request.getHttpURI().getQuery();
            if (query == null) {
                return false;
            }
            for (String pair : query.split("&")) {
                if (pair.equals(name + "=" + value)) {
                    return true;
                }
            }
            return false;
        }

        /** Header names in lower case. */
        Map<String, List<String>> headers() {
            return headers;
        }

        String body() throws IOException {
            return Content.Source.asString(request, StandardCharsets.UTF_8);
        }

        void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            response.setStatus(status);
            headers.forEach((name, value) -> response.getHeaders().put(name, value));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            write(true, body);
        }

        /** Starts a response whose body is written in frames, each flushed as it is written. */
        void begin(int status, Map<String, String> headers) {
            response.setStatus(status);
            headers.forEach((name, value) -> response.getHeaders().put(name, value));
        }

        void write(byte[] frame) throws IOException {
            write(false, frame);
        }

        void end() throws IOException {
            write(true, new byte[0]);
        }

        private void write(boolean last, byte[] bytes) throws IOException {
            try (Blocker.Callback done = Blocker.callback()) {
                response.write(last, ByteBuffer.wrap(bytes), done);
                done.block();
            }
        }
    }
}
