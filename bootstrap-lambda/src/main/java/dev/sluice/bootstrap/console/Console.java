package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.domain.model.Job;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's web console, whatever carries its requests: jobs, one job's timeline, spans and traces, dead letters
 * with a redrive, pipelines, charts. The local runtime serves it on 127.0.0.1 ({@code ./sluice up}); a stack's
 * dispatcher serves it behind the HTTP API's authorizer to callers holding the operator scope. It answers GET (and
 * HEAD) only, except the redrive POST, which its carrier lets through only from the console's own page.
 */
public final class Console {
    public static final String REDRIVE = "/dead-letters/redrive";

    /** The headers every answer carries: nothing but the console's own scripts, styles and forms may run or post. */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                    + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "X-Content-Type-Options",
            "nosniff",
            "Referrer-Policy",
            "same-origin",
            "Cache-Control",
            "no-store");

    /** An answer: status, content type (with charset), body, and any header beyond the security ones. */
    public record Response(int status, String contentType, String body, Map<String, String> headers) {
        public Response {
            headers = Map.copyOf(headers);
        }

        static Response of(int status, String type, String body) {
            return new Response(status, type + "; charset=utf-8", body, Map.of());
        }

        /** Every header to send: the security headers, the content type and this answer's own. */
        public Map<String, String> allHeaders() {
            Map<String, String> all = new LinkedHashMap<>(SECURITY_HEADERS);
            all.put("Content-Type", contentType);
            all.putAll(headers);
            return all;
        }
    }

    private final ConsoleSource data;
    private final Clock clock;

    public Console(ConsoleSource data, Clock clock) {
        this.data = data;
        this.clock = clock;
    }

    /** Whether a request path is the console's: everything but the API's {@code /v1/...}. */
    public static boolean serves(String path) {
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    /**
     * Answers one request.
     *
     * @param rawQuery the query string as sent (may be empty)
     * @param fromOwnPage whether the carrier established that a POST came from a page of this console
     */
    public Response answer(String method, String path, String rawQuery, boolean fromOwnPage) {
        if (REDRIVE.equals(path)) {
            if (!"POST".equals(method)) {
                return new Response(405, "text/plain; charset=utf-8", "redrive is a POST", Map.of("Allow", "POST"));
            }
            if (!fromOwnPage) {
                return Response.of(403, "text/plain", "a redrive must come from the console's own page");
            }
            List<String> report = data.redrive();
            return html(
                    200,
                    ConsolePages.page(
                            "Dead letters",
                            "Dead letters",
                            ConsolePages.deadLetters(data.deadLetters(10), Optional.of(report))));
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new Response(
                    405,
                    "text/plain; charset=utf-8",
                    "the console only reads; the one POST is " + REDRIVE,
                    Map.of("Allow", "GET, HEAD"));
        }
        return route(path, query(rawQuery));
    }

    private Response route(String path, Map<String, String> query) {
        return switch (path) {
            case "/" ->
                html(
                        200,
                        ConsolePages.page(
                                "Jobs",
                                "Jobs",
                                ConsolePages.jobs(listed(filter(query)), filter(query), clock.instant())));
            case "/jobs/rows" -> html(200, ConsolePages.jobRows(listed(filter(query)), filter(query), clock.instant()));
            case "/dead-letters" ->
                html(
                        200,
                        ConsolePages.page(
                                "Dead letters",
                                "Dead letters",
                                ConsolePages.deadLetters(data.deadLetters(10), Optional.empty())));
            case "/pipelines" ->
                html(
                        200,
                        ConsolePages.page(
                                "Pipelines", "Pipelines", ConsolePages.pipelines(data.config(), data.settings())));
            case "/charts" ->
                html(
                        200,
                        ConsolePages.page(
                                "Charts",
                                "Charts",
                                ConsoleCharts.page(
                                        data.recentJobs(), data.samples(), data.outcomesElsewhere(), clock.instant())));
            case "/static/console.css" -> resource("console.css", "text/css");
            case "/static/console.js" -> resource("console.js", "text/javascript");
            default -> {
                if (path.startsWith("/jobs/") && path.indexOf('/', "/jobs/".length()) < 0) {
                    String id = decode(path.substring("/jobs/".length()));
                    yield data.job(id)
                            .map(job -> html(
                                    200,
                                    ConsolePages.page(
                                            "Job " + id,
                                            "Jobs",
                                            ConsolePages.job(
                                                    job,
                                                    data.traces(job),
                                                    ConsolePages.traceId(job),
                                                    data.spans(job),
                                                    data.spansElsewhere(),
                                                    clock.instant()))))
                            .orElseGet(() -> html(
                                    404,
                                    ConsolePages.page(
                                            "No such job", "Jobs", ConsolePages.error("There is no job " + id + "."))));
                }
                yield html(404, ConsolePages.page("Not found", "", ConsolePages.error("Nothing is at " + path + ".")));
            }
        };
    }

    /** The newest jobs, and the job the search names by its id when it is older than those. */
    private List<DynamoDbJobStore.JobSummary> listed(ConsolePages.JobFilter filter) {
        List<DynamoDbJobStore.JobSummary> jobs = data.recentJobs();
        String q = filter.search();
        if (q.isEmpty() || jobs.stream().anyMatch(j -> j.id().value().equals(q))) {
            return jobs;
        }
        Optional<Job> named = data.job(q);
        if (named.isEmpty()) {
            return jobs;
        }
        List<DynamoDbJobStore.JobSummary> with = new ArrayList<>(jobs);
        with.add(DynamoDbJobStore.JobSummary.of(named.get()));
        return with;
    }

    private static ConsolePages.JobFilter filter(Map<String, String> q) {
        return new ConsolePages.JobFilter(
                q.getOrDefault("status", ""),
                q.getOrDefault("pipeline", ""),
                q.getOrDefault("tenant", ""),
                q.getOrDefault("q", "").strip());
    }

    /** The query's parameters; a malformed escape is taken as written (the console only filters by them). */
    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.putIfAbsent(
                    decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    private static Response resource(String name, String type) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                return Response.of(404, "text/plain", "missing " + name);
            }
            return Response.of(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response html(int status, String body) {
        return Response.of(status, "text/html", body);
    }
}
