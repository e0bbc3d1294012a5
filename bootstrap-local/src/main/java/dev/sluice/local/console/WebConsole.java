package dev.sluice.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.bootstrap.console.Console;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The console of {@code ./sluice up}, served beside the API on 127.0.0.1. Requests naming another host are refused,
 * so a web page cannot reach it by pointing a name of its own at 127.0.0.1; a redrive POST must come from the
 * console's own page (a cross-site form could otherwise redrive).
 */
public final class WebConsole implements HttpHandler {
    private static final Logger LOG = LogManager.getLogger(WebConsole.class);

    private final Console console;

    public WebConsole(Console console) {
        this.console = console;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            if (!localHost(exchange.getRequestHeaders().getFirst("Host"))) {
                send(
                        exchange,
                        new Console.Response(
                                421,
                                "text/plain; charset=utf-8",
                                "this console answers on 127.0.0.1 or localhost only",
                                Map.of()));
                return;
            }
            send(
                    exchange,
                    console.answer(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().getRawPath(),
                            exchange.getRequestURI().getRawQuery(),
                            sameOrigin(
                                    exchange.getRequestHeaders().getFirst("Host"),
                                    exchange.getRequestHeaders().getFirst("Origin"),
                                    exchange.getRequestHeaders().getFirst("Referer"))));
        } catch (RuntimeException e) {
            LOG.error("console request failed", e);
            send(
                    exchange,
                    new Console.Response(
                            500,
                            "text/plain; charset=utf-8",
                            "the console failed to answer; see .sluice/sluice.log",
                            Map.of()));
        } finally {
            exchange.close();
        }
    }

    /** Whether a Host header names this machine's loopback by a name only it answers to. */
    public static boolean localHost(String hostHeader) {
        String host = Optional.ofNullable(hostHeader).orElse("");
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
        return name.equals("127.0.0.1") || name.equals("localhost");
    }

    /** The POST came from a page served at {@code host}: the browser's Origin (or, without one, its Referer) says so. */
    public static boolean sameOrigin(String host, String origin, String referer) {
        if (origin == null) {
            return referer != null && referer.startsWith("http://" + host + "/");
        }
        return origin.equals("http://" + host);
    }

    private static void send(HttpExchange exchange, Console.Response response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        response.allHeaders().forEach(headers::set);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status(), head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
