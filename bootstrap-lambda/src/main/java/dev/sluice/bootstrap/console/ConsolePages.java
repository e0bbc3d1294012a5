package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.shared.JobTraceIds;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** The console's pages, rendered on the server; every value from a job, trace or queue is escaped by {@link Html}. */
final class ConsolePages {
    private ConsolePages() {}

    /** The jobs list's filters: empty strings match everything. */
    record JobFilter(String status, String pipeline, String tenant, String search) {
        boolean matches(DynamoDbJobStore.JobSummary job) {
            return (status.isEmpty() || job.status().name().equals(status))
                    && (pipeline.isEmpty() || job.pipeline().equals(pipeline))
                    && (tenant.isEmpty() || job.tenant().value().equals(tenant))
                    && (search.isEmpty()
                            || job.id().value().contains(search)
                            || job.correlationId().value().contains(search));
        }

        String query() {
            return "status=" + Html.query(status) + "&pipeline=" + Html.query(pipeline) + "&tenant="
                    + Html.query(tenant) + "&q=" + Html.query(search);
        }
    }

    static String page(String title, String active, String body) {
        Html h = new Html();
        h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .text(title)
                .raw(" · sluice</title><link rel=\"stylesheet\" href=\"/static/console.css\">"
                        + "<script src=\"/static/console.js\" defer></script></head><body><nav><b>sluice</b>");
        for (String[] link : new String[][] {
            {"/", "Jobs"}, {"/dead-letters", "Dead letters"}, {"/pipelines", "Pipelines"}, {"/charts", "Charts"}
        }) {
            h.raw("<a href=\"" + link[0] + "\"" + (link[1].equals(active) ? " class=\"on\"" : "") + ">" + link[1]
                    + "</a>");
        }
        return h.raw("</nav><main>").raw(body).raw("</main></body></html>").toString();
    }

    static String jobs(List<DynamoDbJobStore.JobSummary> all, JobFilter filter, Instant now) {
        Html h = new Html();
        h.raw("<h1>Jobs</h1><form id=\"filters\" method=\"get\" action=\"/\">");
        select(h, "status", "status", List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED"), filter.status());
        select(h, "pipeline", "pipeline", distinct(all, DynamoDbJobStore.JobSummary::pipeline), filter.pipeline());
        select(h, "tenant", "tenant", distinct(all, j -> j.tenant().value()), filter.tenant());
        h.raw("<input type=\"search\" name=\"q\" id=\"q\" placeholder=\"job id or correlation id\" value=\"")
                .text(filter.search())
                .raw("\"><button type=\"submit\">Filter</button></form>");
        h.raw("<table id=\"jobs\" data-rows=\"/jobs/rows?")
                .text(filter.query())
                .raw("\"><thead><tr><th>job</th><th>status</th><th>pipeline</th><th>tenant</th><th>hops</th>"
                        + "<th>age</th><th>cost (USD)</th></tr></thead>")
                .raw(jobRows(all, filter, now))
                .raw("</table>");
        return h.toString();
    }

    /** The table body alone, which the page's script fetches again while jobs run. */
    static String jobRows(List<DynamoDbJobStore.JobSummary> all, JobFilter filter, Instant now) {
        Html h = new Html().raw("<tbody>");
        int shown = 0;
        for (DynamoDbJobStore.JobSummary job : all) {
            if (!filter.matches(job) || shown++ >= 500) {
                continue;
            }
            h.raw("<tr class=\"job\" data-status=\"")
                    .text(job.status())
                    .raw("\"><td><a href=\"/jobs/")
                    .text(Html.query(job.id().value()))
                    .raw("\">")
                    .text(job.id().value())
                    .raw("</a></td><td><span class=\"status ")
                    .text(job.status().name().toLowerCase(java.util.Locale.ROOT))
                    .raw("\">")
                    .text(job.status())
                    .raw("</span></td><td>")
                    .text(job.pipeline())
                    .raw("</td><td>")
                    .text(job.tenant().value())
                    .raw("</td><td>")
                    .text(job.hopsDone() + "/" + job.hopCount())
                    .raw("</td><td>")
                    .text(age(Duration.between(job.createdAt(), now)))
                    .raw("</td><td class=\"num\">")
                    .text(job.cost().usd().toPlainString())
                    .raw("</td></tr>");
        }
        if (shown == 0) {
            h.raw("<tr><td colspan=\"7\" class=\"empty\">no jobs match</td></tr>");
        }
        return h.raw("</tbody>").toString();
    }

    /** The job's trace id, derived from its id as every function derives it. */
    static String traceId(Job job) {
        return JobTraceIds.traceId(job.id());
    }

    static String job(Job job, List<HopTrace> traces, Instant now) {
        return job(job, traces, "", List.of(), "", now);
    }

    /**
     * @param traceId the job's distributed trace
     * @param spans the spans of that trace collected where the console runs, by start time
     * @param spansElsewhere what the page says when none were collected here
     */
    static String job(
            Job job, List<HopTrace> traces, String traceId, List<Span> spans, String spansElsewhere, Instant now) {
        Html h = new Html();
        boolean running = job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING;
        h.raw("<h1>Job <code>")
                .text(job.id().value())
                .raw("</code> <span id=\"status\" class=\"status ")
                .text(job.status().name().toLowerCase(java.util.Locale.ROOT))
                .raw("\">")
                .text(job.status())
                .raw("</span></h1>");
        if (running) {
            h.raw("<p class=\"live\" data-reload=\"2000\">running: this page reloads every 2 s</p>");
        }
        TokenUsage tokens = job.hops().stream().map(HopRecord::usage).reduce(TokenUsage.ZERO, TokenUsage::plus);
        h.raw("<dl class=\"facts\">");
        fact(h, "pipeline", job.pipeline());
        fact(h, "tenant", job.tenant().value());
        fact(h, "correlation id", job.correlationId().value());
        fact(h, "priority", job.priority().wireName());
        job.batchId().ifPresent(b -> fact(h, "batch", b.value()));
        fact(h, "hops done", job.hops().size() + " of " + job.hopCount());
        fact(h, "created", job.createdAt());
        fact(h, "updated", job.updatedAt());
        fact(h, "tokens", tokens.input() + " in, " + tokens.output() + " out, " + tokens.cachedInput() + " cached");
        fact(h, "cost (USD)", cost(job).usd().toPlainString());
        h.raw("</dl>");
        job.failureReason()
                .ifPresent(r -> h.raw("<h2>Why it failed</h2><pre id=\"failure\" class=\"failure\">")
                        .text(r)
                        .raw("</pre>"));
        job.result()
                .ifPresent(
                        r -> h.raw("<h2>Answer</h2><pre id=\"answer\">").text(r).raw("</pre>"));
        h.raw("<h2>Input</h2><dl class=\"facts\">");
        new TreeMap<>(job.input()).forEach((k, v) -> fact(h, k, v));
        h.raw("</dl>");
        waterfall(h, job, now);
        if (!traceId.isEmpty()) {
            spans(h, traceId, spans, spansElsewhere);
        }
        h.raw("<h2>Traces</h2>");
        if (traces.isEmpty()) {
            h.raw("<p class=\"empty\">no hop has left a trace yet</p>");
        }
        for (HopTrace trace : traces) {
            trace(h, trace);
        }
        return h.toString();
    }

    /**
     * One bar per part of the job's life, on one time axis: before each hop (queued, including deferrals and
     * retries, as the record does not split them), the hop (lease, retrieval and model call, from the processor's
     * start to its memo), and after the last hop (finalize queue and finalizer).
     */
    /** The attributes a span row shows, in this order, when the span has them. */
    private static final List<String> KEY_ATTRIBUTES = List.of(
            "sluice.function",
            "sluice.hop",
            "sluice.attempt",
            "sluice.outcome",
            "sluice.model",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens",
            "sluice.cost_usd",
            "sluice.retry_after_ms");

    /** The job's distributed trace as the functions recorded it: one row per span, indented under its parent. */
    private static void spans(Html h, String traceId, List<Span> spans, String elsewhere) {
        h.raw("<h2>Spans</h2><p>trace id <code id=\"trace-id\">").text(traceId).raw("</code></p>");
        if (spans.isEmpty()) {
            h.raw("<p class=\"empty\">").text(elsewhere).raw("</p>");
            return;
        }
        Instant start = spans.getFirst().start();
        Instant end = start;
        for (Span s : spans) {
            Instant e = s.start().plus(s.duration());
            end = e.isAfter(end) ? e : end;
        }
        java.util.Map<String, Integer> depth = new java.util.HashMap<>();
        long total = Math.max(1, Duration.between(start, end).toMillis());
        h.raw("<table id=\"spans\" class=\"waterfall\"><thead><tr><th>span</th><th>start ms</th><th>ms</th>"
                        + "<th class=\"axis\">0 – ")
                .text(total)
                .raw(" ms</th><th>attributes</th></tr></thead><tbody>");
        for (Span s : spans) {
            int d = depth.getOrDefault(s.parentSpanId(), -1) + 1;
            depth.put(s.spanId(), d);
            long from = Math.max(0, Duration.between(start, s.start()).toMillis());
            long ms = s.duration().toMillis();
            double left = Math.min(100, 100.0 * from / total);
            double width = Math.max(0.5, Math.min(100 - left, 100.0 * ms / total));
            StringBuilder attributes = new StringBuilder();
            for (String key : KEY_ATTRIBUTES) {
                String value = s.attributes().get(key);
                if (value != null) {
                    attributes
                            .append(attributes.isEmpty() ? "" : ", ")
                            .append(key.replace("sluice.", "").replace("gen_ai.usage.", ""))
                            .append('=')
                            .append(value);
                }
            }
            s.events().forEach(e -> attributes.append("; ").append(e));
            h.raw("<tr class=\"bar span\" data-span-id=\"")
                    .text(s.spanId())
                    .raw("\" data-parent-id=\"")
                    .text(s.parentSpanId())
                    .raw("\"><td style=\"padding-left:" + (d * 1.2) + "em\">")
                    .text(s.name())
                    .raw("</td><td class=\"num\">")
                    .text(from)
                    .raw("</td><td class=\"num\">")
                    .text(ms)
                    .raw("</td><td class=\"axis\"><svg viewBox=\"0 0 100 4\" preserveAspectRatio=\"none\">"
                            + "<rect class=\"" + (s.error() ? "fail" : "run") + "\" x=\"" + fmt(left)
                            + "\" y=\"0\" width=\"" + fmt(width) + "\" height=\"4\"/></svg></td><td>")
                    .text(attributes)
                    .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    private static void waterfall(Html h, Job job, Instant now) {
        Instant start = job.createdAt();
        boolean ended = job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED;
        Instant end = ended ? job.updatedAt() : now;
        record Bar(String label, String kind, Instant from, Instant to, String note) {}
        List<Bar> bars = new ArrayList<>();
        Instant previous = start;
        for (HopRecord hop : job.hops()) {
            Instant hopEnd = hop.startedAt().plus(hop.duration());
            bars.add(new Bar("hop " + hop.hop() + " queued", "wait", previous, hop.startedAt(), ""));
            String note = hop.model() + " (" + hop.modelId() + ")"
                    + hop.semantic().map(hit -> ", " + hit.describe()).orElse(hop.cacheHit() ? ", cache hit" : "")
                    + (hop.batched() ? ", through the provider's batch API at batch prices" : "")
                    + (hop.fallbacks().isEmpty() ? "" : ", fallbacks: " + String.join("; ", hop.fallbacks()))
                    + ", " + hop.usage().input() + "+" + hop.usage().output() + " tokens, $"
                    + hop.cost().usd().toPlainString();
            bars.add(new Bar(
                    "hop " + hop.hop() + " ran", hop.cacheHit() ? "hit" : "run", hop.startedAt(), hopEnd, note));
            previous = hopEnd;
        }
        if (job.hops().size() < job.hopCount()) {
            bars.add(new Bar(
                    "hop " + job.hops().size() + (ended ? " (did not finish)" : " (waiting or running)"),
                    ended ? "fail" : "wait",
                    previous,
                    end,
                    ""));
        } else {
            bars.add(new Bar("finalize", ended ? "run" : "wait", previous, end, ""));
        }
        long total = Math.max(1, Duration.between(start, end).toMillis());
        h.raw("<h2>Timeline</h2><table id=\"waterfall\" class=\"waterfall\"><thead><tr><th>part</th>"
                        + "<th>ms</th><th class=\"axis\">0 – ")
                .text(total)
                .raw(" ms</th><th>what</th></tr></thead><tbody>");
        for (Bar bar : bars) {
            long from = Math.max(0, Duration.between(start, bar.from()).toMillis());
            long ms = Math.max(0, Duration.between(bar.from(), bar.to()).toMillis());
            double left = Math.min(100, 100.0 * from / total);
            double width = Math.max(0.5, Math.min(100 - left, 100.0 * ms / total));
            h.raw("<tr class=\"bar\"><td>")
                    .text(bar.label())
                    .raw("</td><td class=\"num\">")
                    .text(ms)
                    .raw("</td><td class=\"axis\"><svg viewBox=\"0 0 100 4\" preserveAspectRatio=\"none\">"
                            + "<rect class=\"" + bar.kind() + "\" x=\"" + fmt(left) + "\" y=\"0\" width=\""
                            + fmt(width) + "\" height=\"4\"/></svg></td><td>")
                    .text(bar.note())
                    .raw("</td></tr>");
        }
        h.raw("</tbody></table><p class=\"note\">Queued time includes deferrals (throttling) and retries; the job"
                + " record keeps when each hop ran, not each delivery.</p>");
    }

    private static void trace(Html h, HopTrace trace) {
        HopTrace.Call call = trace.call();
        h.raw("<details class=\"trace\" id=\"trace-")
                .text(trace.hop())
                .raw("\"><summary>hop ")
                .text(trace.hop())
                .raw(": ")
                .text(call.model().orElse("?")
                        + call.modelId().map(id -> " (" + id + ")").orElse(""))
                .text(
                        trace.ending() instanceof HopTrace.Answered a
                                        && a.record().semantic().isPresent()
                                ? ", " + a.record().semantic().get().describe()
                                : call.cacheHit() ? ", cache hit" : "")
                .text(call.usage()
                        .map(u -> ", " + u.input() + "+" + u.output() + " tokens")
                        .orElse(""))
                .text(call.cost().map(c -> ", $" + c.usd().toPlainString()).orElse(""))
                .text(call.duration().map(d -> ", " + d.toMillis() + " ms").orElse(""))
                .text(trace.ending() instanceof HopTrace.Failed ? ", failed" : "")
                .raw("</summary>");
        if (!call.fallbacks().isEmpty()) {
            h.raw("<h3>Fallbacks</h3><ul>");
            call.fallbacks().forEach(f -> h.raw("<li>").text(f).raw("</li>"));
            h.raw("</ul>");
        }
        if (!trace.errors().isEmpty()) {
            h.raw("<h3>What failed (the providers' words)</h3><ul class=\"errors\">");
            trace.errors().forEach(e -> h.raw("<li>").text(e).raw("</li>"));
            h.raw("</ul>");
        }
        if (!trace.retrieved().isEmpty()) {
            h.raw("<h3>Retrieved</h3><table class=\"chunks\"><thead><tr><th>score</th><th>document</th>"
                    + "<th>text</th></tr></thead><tbody>");
            for (RetrievedChunk c : trace.retrieved()) {
                h.raw("<tr><td class=\"num\">")
                        .text(String.format(java.util.Locale.ROOT, "%.4f", c.score()))
                        .raw("</td><td>")
                        .text(c.documentId())
                        .raw("</td><td>")
                        .text(c.text())
                        .raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        trace.system()
                .ifPresent(s -> h.raw("<h3>System prompt</h3><pre>").text(s).raw("</pre>"));
        trace.prompt()
                .ifPresent(p ->
                        h.raw("<h3>Prompt</h3><pre class=\"prompt\">").text(p).raw("</pre>"));
        call.response()
                .ifPresent(r -> h.raw("<h3>Response</h3><pre class=\"response\">")
                        .text(r)
                        .raw("</pre>"));
        call.raw()
                .ifPresent(r -> h.raw("<h3>Raw response</h3><pre class=\"raw\">")
                        .text(r)
                        .raw("</pre>"));
        h.raw("</details>");
    }

    static String deadLetters(List<DeadLetterQueues.DeadLetters> queues, Optional<List<String>> redriven) {
        Html h = new Html().raw("<h1>Dead letters</h1>");
        redriven.ifPresent(lines -> {
            h.raw("<div id=\"redriven\" class=\"notice\"><p>")
                    .text(lines.size())
                    .raw(" dead letter(s) redriven</p><ul>");
            lines.forEach(l -> h.raw("<li>").text(l).raw("</li>"));
            h.raw("</ul></div>");
        });
        long total =
                queues.stream().mapToLong(DeadLetterQueues.DeadLetters::depth).sum();
        h.raw("<form method=\"post\" action=\"/dead-letters/redrive\"><button id=\"redrive\" type=\"submit\"")
                .raw(total == 0 ? " disabled" : "")
                .raw(">Redrive all</button> <span class=\"note\">the same as <code>./sluice redrive</code>: each"
                        + " job's dead letter asks the API to retry the job (a failed job is reopened at the hop"
                        + " where it stopped); other messages go back to their queue</span></form><p class=\"note\">Receives"
                        + " are SQS's count of each dead letter, this page's own looks included.</p>");
        for (DeadLetterQueues.DeadLetters q : queues) {
            h.raw("<h2>")
                    .text(q.route().name())
                    .raw(" DLQ <small>")
                    .text(q.depth())
                    .raw(" message(s)</small></h2>");
            if (q.shown().isEmpty()) {
                continue;
            }
            h.raw(
                    "<table class=\"dlq\"><thead><tr><th>message</th><th title=\"SQS counts the console's own looks too\">receives</th><th>job</th><th>status</th>"
                            + "<th>why</th></tr></thead><tbody>");
            for (DeadLetterQueues.DeadLetter d : q.shown()) {
                h.raw("<tr class=\"dead-letter\"><td><code>")
                        .text(d.messageId())
                        .raw("</code></td><td class=\"num\">")
                        .text(d.receives())
                        .raw("</td><td>");
                if (d.envelope().isPresent()) {
                    String id = d.envelope().get().jobId().value();
                    h.raw("<a href=\"/jobs/")
                            .text(Html.query(id))
                            .raw("\">")
                            .text(id)
                            .raw("</a> hop ")
                            .text(d.envelope().get().hop());
                } else {
                    h.raw("<pre class=\"body\">")
                            .text(abbreviate(d.body(), 300))
                            .raw("</pre>");
                }
                h.raw("</td><td>")
                        .text(d.job()
                                .map(j -> j.status().name())
                                .orElse(d.envelope().isPresent() ? "no record" : "-"))
                        .raw("</td><td>")
                        .text(d.job()
                                .flatMap(Job::failureReason)
                                .orElse("the message was received " + d.receives() + " times without being"
                                        + " processed (its job's record says no failure)"))
                        .raw("</td></tr>");
            }
            h.raw("</tbody></table>");
            if (q.depth() > q.shown().size()) {
                h.raw("<p class=\"note\">showing ")
                        .text(q.shown().size())
                        .raw(" of ")
                        .text(q.depth())
                        .raw("</p>");
            }
        }
        return h.toString();
    }

    static String pipelines(SluiceConfig config, Map<String, String> settings) {
        Html h = new Html().raw("<h1>Pipelines</h1>");
        for (Pipeline p : new TreeMap<>(config.pipelines()).values()) {
            h.raw("<h2 class=\"pipeline\">")
                    .text(p.name())
                    .raw(" <small>inputs: ")
                    .text(String.join(", ", p.inputs()))
                    .raw(", ")
                    .text(p.hopCount())
                    .raw(" hop(s), cache ")
                    .text(p.cache())
                    .raw("</small></h2><ol>");
            for (Step step : p.steps()) {
                switch (step) {
                    case Step.Retrieve r ->
                        h.raw("<li>retrieve <b>")
                                .text(r.name())
                                .raw("</b> from index ")
                                .text(r.index())
                                .raw(", top ")
                                .text(r.topK())
                                .raw(": <code>")
                                .text(r.query().text())
                                .raw("</code></li>");
                    case Step.Generate g ->
                        h.raw("<li>generate <b>")
                                .text(g.name())
                                .raw("</b> with model ")
                                .text(g.model())
                                .raw(" → ")
                                .text(chain(config, g.model()))
                                .text(g.semantic()
                                        .map(c -> String.format(
                                                java.util.Locale.ROOT,
                                                "; semantic cache at similarity %.2f%s",
                                                c.threshold(),
                                                c.ttl().map(t -> " for " + t).orElse("")))
                                        .orElse(""))
                                .raw("</li>");
                }
            }
            h.raw("</ol>");
        }
        h.raw("<h2>Models</h2><table id=\"models\"><thead><tr><th>alias</th><th>provider</th><th>model id</th>"
                + "<th>points at</th><th>limits</th><th>fallbacks</th></tr></thead><tbody>");
        for (ModelSpec m : new TreeMap<>(config.models()).values()) {
            h.raw("<tr><td>")
                    .text(m.alias())
                    .raw("</td><td>")
                    .text(m.provider())
                    .raw("</td><td>")
                    .text(m.modelId())
                    .raw("</td><td>")
                    .text(endpoint(m, settings))
                    .raw("</td><td>")
                    .text(limits(m))
                    .raw("</td><td>")
                    .text(String.join(", ", m.fallbacks()))
                    .raw("</td></tr>");
        }
        return h.raw("</tbody></table>").toString();
    }

    private static String chain(SluiceConfig config, String alias) {
        List<String> out = new ArrayList<>();
        for (String a : config.fallbackChain(alias)) {
            out.add(config.model(a)
                    .map(m -> a + " = " + m.provider() + ":" + m.modelId())
                    .orElse(a));
        }
        return String.join(", then ", out);
    }

    /** Where a model's calls go: its configured {@code baseUrl}, else the runtime's setting, else the provider's. */
    private static String endpoint(ModelSpec m, Map<String, String> settings) {
        String key = "SLUICE_" + m.provider().toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_BASE_URL";
        return Optional.ofNullable(m.options().get("baseUrl"))
                .or(() -> Optional.ofNullable(settings.get(key)))
                .orElse("the provider's own endpoint");
    }

    private static String limits(ModelSpec m) {
        List<String> parts = new ArrayList<>();
        if (m.limits().rpm() > 0) parts.add(m.limits().rpm() + " rpm");
        if (m.limits().tpm() > 0) parts.add(m.limits().tpm() + " tpm");
        if (m.limits().inputTpm() > 0) parts.add(m.limits().inputTpm() + " input tpm");
        if (m.limits().outputTpm() > 0) parts.add(m.limits().outputTpm() + " output tpm");
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    static String error(String message) {
        return new Html().raw("<h1>Not here</h1><p>").text(message).raw("</p>").toString();
    }

    private static void fact(Html h, String name, Object value) {
        h.raw("<dt>").text(name).raw("</dt><dd>").text(value).raw("</dd>");
    }

    private static void select(Html h, String name, String label, List<String> options, String chosen) {
        h.raw("<label>")
                .text(label)
                .raw(" <select name=\"")
                .raw(name)
                .raw("\" id=\"")
                .raw(name)
                .raw("\"><option value=\"\">any</option>");
        for (String o : options) {
            h.raw("<option value=\"")
                    .text(o)
                    .raw("\"")
                    .raw(o.equals(chosen) ? " selected" : "")
                    .raw(">")
                    .text(o)
                    .raw("</option>");
        }
        h.raw("</select></label> ");
    }

    private static List<String> distinct(
            List<DynamoDbJobStore.JobSummary> jobs,
            java.util.function.Function<DynamoDbJobStore.JobSummary, String> f) {
        return List.copyOf(new TreeSet<>(jobs.stream().map(f).toList()));
    }

    static Cost cost(Job job) {
        return job.hops().stream().map(HopRecord::cost).reduce(Cost.ZERO, Cost::plus);
    }

    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " d";
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
