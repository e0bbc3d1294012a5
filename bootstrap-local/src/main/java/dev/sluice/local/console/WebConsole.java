package dev.sluice.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The local operator's web console, served by {@code ./sluice up} beside the API on 127.0.0.1: jobs, one job's
 * timeline and traces, dead letters with a redrive, pipelines. It answers GET (and HEAD) only, except the redrive
 * POST, which must come from the console's own page (a cross-site form could otherwise redrive). Requests naming
 * another host are refused, so a web page cannot reach it by pointing a name of its own at 127.0.0.1.
 */
public final class WebConsole implements HttpHandler {
    private static final Logger LOG = LogManager.getLogger(WebConsole.class);
    private static final String REDRIVE = "/dead-letters/redrive";
    private static final String SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                    + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleData data;
    private final ConsoleSampler sampler;
    private final Clock clock;

    public WebConsole(ConsoleData data, ConsoleSampler sampler, Clock clock) {
        this.data = data;
        this.sampler = sampler;
        this.clock = clock;
    }

    /** Whether a request path is the console's (everything but the API's {@code /v1/...}). */
    public static boolean serves(String path) {
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (!localHost(exchange)) {
                send(exchange, 421, "text/plain", "this console answers on 127.0.0.1 or localhost only");
                return;
            }
            if (REDRIVE.equals(path)) {
                if (!"POST".equals(method)) {
                    exchange.getResponseHeaders().set("Allow", "POST");
                    send(exchange, 405, "text/plain", "redrive is a POST");
                    return;
                }
                if (!sameOrigin(exchange)) {
                    send(exchange, 403, "text/plain", "a redrive must come from the console's own page");
                    return;
                }
                List<String> report = data.redrive();
                html(
                        exchange,
                        200,
                        ConsolePages.page(
                                "Dead letters",
                                "Dead letters",
                                ConsolePages.deadLetters(data.deadLetters(10), Optional.of(report))));
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain", "the console only reads; the one POST is " + REDRIVE);
                return;
            }
            route(exchange, path, query(exchange.getRequestURI().getRawQuery()));
        } catch (RuntimeException e) {
            LOG.error("console request failed", e);
            send(exchange, 500, "text/plain", "the console failed to answer; see .sluice/sluice.log");
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        switch (path) {
            case "/" ->
                html(
                        exchange,
                        200,
                        ConsolePages.page(
                                "Jobs", "Jobs", ConsolePages.jobs(data.allJobs(), filter(query), clock.instant())));
            case "/jobs/rows" ->
                html(exchange, 200, ConsolePages.jobRows(data.allJobs(), filter(query), clock.instant()));
            case "/dead-letters" ->
                html(
                        exchange,
                        200,
                        ConsolePages.page(
                                "Dead letters",
                                "Dead letters",
                                ConsolePages.deadLetters(data.deadLetters(10), Optional.empty())));
            case "/pipelines" ->
                html(
                        exchange,
                        200,
                        ConsolePages.page(
                                "Pipelines", "Pipelines", ConsolePages.pipelines(data.config(), data.settings())));
            case "/charts" ->
                html(
                        exchange,
                        200,
                        ConsolePages.page(
                                "Charts",
                                "Charts",
                                ConsoleCharts.page(data.allJobs(), sampler.samples(), clock.instant())));
            case "/static/console.css" -> resource(exchange, "console.css", "text/css");
            case "/static/console.js" -> resource(exchange, "console.js", "text/javascript");
            default -> {
                if (path.startsWith("/jobs/") && path.indexOf('/', "/jobs/".length()) < 0) {
                    String id = URLDecoder.decode(path.substring("/jobs/".length()), StandardCharsets.UTF_8);
                    var job = data.job(id);
                    if (job.isPresent()) {
                        html(
                                exchange,
                                200,
                                ConsolePages.page(
                                        "Job " + id,
                                        "Jobs",
                                        ConsolePages.job(
                                                job.get(),
                                                data.traces(job.get()),
                                                ConsoleData.traceId(job.get()),
                                                data.spans(job.get()),
                                                clock.instant())));
                    } else {
                        html(
                                exchange,
                                404,
                                ConsolePages.page(
                                        "No such job", "Jobs", ConsolePages.error("There is no job " + id + ".")));
                    }
                    return;
                }
                html(
                        exchange,
                        404,
                        ConsolePages.page("Not found", "", ConsolePages.error("Nothing is at " + path + ".")));
            }
        }
    }

    private static ConsolePages.JobFilter filter(Map<String, String> q) {
        return new ConsolePages.JobFilter(
                q.getOrDefault("status", ""),
                q.getOrDefault("pipeline", ""),
                q.getOrDefault("tenant", ""),
                q.getOrDefault("q", "").strip());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static boolean localHost(HttpExchange exchange) {
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host"))
                .orElse("");
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
        return name.equals("127.0.0.1") || name.equals("localhost");
    }

    /** The POST came from a page of this console: the browser's Origin (or, without one, its Referer) says so. */
    private static boolean sameOrigin(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            String referer = exchange.getRequestHeaders().getFirst("Referer");
            return referer != null && referer.startsWith("http://" + host + "/");
        }
        return origin.equals("http://" + host);
    }

    private static void resource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = WebConsole.class.getResourceAsStream(name)) {
            if (in == null) {
                send(exchange, 404, "text/plain", "missing " + name);
                return;
            }
            send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void html(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, "text/html", body);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type + "; charset=utf-8");
        headers.set("Content-Security-Policy", SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "same-origin");
        headers.set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
