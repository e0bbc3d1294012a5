package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.JobStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The charts page: inline SVG drawn on the server from the job table and the sampler's history. */
final class ConsoleCharts {
    private static final int MINUTES = 30;

    private ConsoleCharts() {}

    static String page(
            List<DynamoDbJobStore.JobSummary> jobs,
            List<ConsoleSource.Sample> samples,
            String outcomesElsewhere,
            Instant now) {
        Html h = new Html().raw("<h1>Charts</h1><p class=\"live\" data-reload=\"5000\">reloads every 5 s</p>");
        queues(h, samples);
        oldest(h, jobs, now);
        outcomes(h, jobs, now);
        throttling(h, samples, outcomesElsewhere);
        spend(h, jobs);
        return h.toString();
    }

    private static void queues(Html h, List<ConsoleSource.Sample> samples) {
        h.raw("<h2>Queue depth</h2>");
        if (samples.isEmpty()) {
            h.raw("<p class=\"empty\">no sample yet</p>");
            return;
        }
        Map<String, List<Long>> series = new LinkedHashMap<>();
        for (ConsoleSource.Sample s : samples) {
            for (DeadLetterQueues.QueueDepth q : s.queues()) {
                series.computeIfAbsent(q.name(), k -> new ArrayList<>()).add(q.visible() + q.inFlight() + q.delayed());
            }
        }
        lines(h, "queue-depth", series, "messages, every 5 s, last " + samples.size() * 5 + " s");
        h.raw("<table id=\"queues\"><thead><tr><th>queue</th><th class=\"num\">waiting</th><th class=\"num\">in"
                + " flight</th><th class=\"num\">delayed</th></tr></thead><tbody>");
        for (DeadLetterQueues.QueueDepth q : samples.getLast().queues()) {
            h.raw("<tr><td>")
                    .text(q.name())
                    .raw("</td><td class=\"num\">")
                    .text(q.visible())
                    .raw("</td><td class=\"num\">")
                    .text(q.inFlight())
                    .raw("</td><td class=\"num\">")
                    .text(q.delayed())
                    .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    /**
     * The oldest job not ended yet, per status: the age of the oldest message, read from the job table, since SQS
     * gives that age as a CloudWatch metric only and looking at a work queue's messages would count receives.
     */
    private static void oldest(Html h, List<DynamoDbJobStore.JobSummary> jobs, Instant now) {
        h.raw("<h2>Oldest unfinished work</h2><dl class=\"facts\" id=\"oldest\">");
        for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.RUNNING)) {
            String age = jobs.stream()
                    .filter(j -> j.status() == status)
                    .map(DynamoDbJobStore.JobSummary::createdAt)
                    .min(Instant::compareTo)
                    .map(t -> ConsolePages.age(Duration.between(t, now)))
                    .orElse("none");
            h.raw("<dt>").text(status).raw("</dt><dd>").text(age).raw("</dd>");
        }
        h.raw("</dl>");
    }

    private static void outcomes(Html h, List<DynamoDbJobStore.JobSummary> jobs, Instant now) {
        Instant from = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(MINUTES - 1));
        Map<String, List<Long>> series = new LinkedHashMap<>();
        for (JobStatus status : List.of(JobStatus.SUCCEEDED, JobStatus.FAILED)) {
            long[] perMinute = new long[MINUTES];
            for (DynamoDbJobStore.JobSummary j : jobs) {
                if (j.status() == status && !j.updatedAt().isBefore(from)) {
                    int i = (int) Duration.between(from, j.updatedAt()).toMinutes();
                    if (i < MINUTES) {
                        perMinute[i]++;
                    }
                }
            }
            List<Long> values = new ArrayList<>();
            for (long v : perMinute) {
                values.add(v);
            }
            series.put(status.name(), values);
        }
        h.raw("<h2>Jobs ended per minute</h2>");
        lines(h, "jobs-per-minute", series, "by outcome, last " + MINUTES + " minutes");
    }

    private static void throttling(Html h, List<ConsoleSource.Sample> samples, String elsewhere) {
        h.raw("<h2>Provider 429s</h2>");
        if (samples.isEmpty() || samples.getLast().outcomes().isEmpty()) {
            h.raw("<p class=\"empty\">").text(elsewhere).raw("</p>");
            return;
        }
        List<Long> throttled = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            throttled.add(Math.max(
                    0,
                    samples.get(i).outcomes().getOrDefault("throttled", 0L)
                            - samples.get(i - 1).outcomes().getOrDefault("throttled", 0L)));
        }
        if (!throttled.isEmpty()) {
            lines(h, "throttled", Map.of("429s", throttled), "answered 429 by the simulator, per 5 s");
        }
        h.raw("<dl class=\"facts\" id=\"provider-outcomes\">");
        new TreeMap<>(samples.getLast().outcomes())
                .forEach(
                        (k, v) -> h.raw("<dt>").text(k).raw("</dt><dd>").text(v).raw("</dd>"));
        h.raw("</dl>");
    }

    private static void spend(Html h, List<DynamoDbJobStore.JobSummary> jobs) {
        Map<String, BigDecimal> byTenant = new TreeMap<>();
        for (DynamoDbJobStore.JobSummary j : jobs) {
            byTenant.merge(j.tenant().value(), j.cost().usd(), BigDecimal::add);
        }
        h.raw("<h2>Spend per tenant (USD)</h2>");
        if (byTenant.isEmpty()) {
            h.raw("<p class=\"empty\">no jobs yet</p>");
            return;
        }
        BigDecimal most = byTenant.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        h.raw("<table id=\"spend\" class=\"waterfall\"><tbody>");
        byTenant.forEach((tenant, usd) -> {
            double width = most.signum() == 0 ? 0.5 : Math.max(0.5, 100 * usd.doubleValue() / most.doubleValue());
            h.raw("<tr><td>")
                    .text(tenant)
                    .raw("</td><td class=\"num\">")
                    .text(new Cost(usd).usd().toPlainString())
                    .raw("</td><td class=\"axis\"><svg viewBox=\"0 0 100 4\" preserveAspectRatio=\"none\"><rect"
                            + " class=\"run\" x=\"0\" y=\"0\" width=\"" + fmt(width)
                            + "\" height=\"4\"/></svg></td></tr>");
        });
        h.raw("</tbody></table>");
    }

    /** One polyline per series on a shared axis, with the maximum labelled. */
    private static void lines(Html h, String id, Map<String, List<Long>> series, String caption) {
        long max = Math.max(
                1,
                series.values().stream()
                        .flatMap(List::stream)
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(1));
        int points = series.values().stream().mapToInt(List::size).max().orElse(1);
        h.raw("<figure class=\"chart\" id=\"")
                .raw(id)
                .raw("\"><svg viewBox=\"0 0 300 100\" preserveAspectRatio=\"none\">");
        int n = 0;
        for (Map.Entry<String, List<Long>> s : series.entrySet()) {
            StringBuilder p = new StringBuilder();
            List<Long> values = s.getValue();
            for (int i = 0; i < values.size(); i++) {
                double x = points <= 1 ? 0 : 300.0 * i / (points - 1);
                double y = 98 - 96.0 * values.get(i) / max;
                p.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            }
            h.raw("<polyline class=\"series s")
                    .raw(Integer.toString(n++ % 6))
                    .raw("\" points=\"")
                    .raw(p.toString().strip())
                    .raw("\"/>");
        }
        h.raw("</svg><figcaption>max ").text(max).raw(" · ").text(caption).raw(" · ");
        n = 0;
        for (String name : series.keySet()) {
            h.raw("<span class=\"key s")
                    .raw(Integer.toString(n++ % 6))
                    .raw("\">")
                    .text(name)
                    .raw("</span> ");
        }
        h.raw("</figcaption></figure>");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
