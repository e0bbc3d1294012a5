package dev.sluice.local;

import dev.sluice.bootstrap.console.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local runtime's trace collector: every function of the process reports its spans here (no collector to run),
 * kept in memory for the last {@value #MAX_TRACES} traces, at most {@value #MAX_SPANS_PER_TRACE} spans each, and
 * read by the console's job page as its {@link Span} records: the console knows no tracing library.
 */
public final class LocalSpans implements SpanExporter {
    static final int MAX_TRACES = 500;
    static final int MAX_SPANS_PER_TRACE = 200;

    /** One per process, as the functions it collects from are. */
    public static final LocalSpans INSTANCE = new LocalSpans();

    private final SpanProcessor processor = SimpleSpanProcessor.create(this);

    private final Map<String, List<Span>> traces = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Span>> eldest) {
            return size() > MAX_TRACES;
        }
    };

    LocalSpans() {}

    /** What the functions' tracer reports to (synchronously: a span is readable as soon as it ends). */
    public SpanProcessor processor() {
        return processor;
    }

    /** The trace's spans, by start time; empty for a trace not (or no longer) held. */
    public synchronized List<Span> trace(String traceId) {
        List<Span> spans = new ArrayList<>(traces.getOrDefault(traceId, List.of()));
        spans.sort(Comparator.comparing(Span::start));
        return spans;
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData s : spans) {
            List<Span> trace = traces.computeIfAbsent(s.getTraceId(), id -> new ArrayList<>());
            if (trace.size() < MAX_SPANS_PER_TRACE) {
                trace.add(recorded(s));
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    private static Span recorded(SpanData s) {
        Map<String, String> attributes = new TreeMap<>();
        s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
        List<String> events = new ArrayList<>();
        for (EventData e : s.getEvents()) {
            StringBuilder text = new StringBuilder(e.getName());
            e.getAttributes()
                    .forEach((k, v) ->
                            text.append(' ').append(k.getKey()).append('=').append(v));
            events.add(text.toString());
        }
        return new Span(
                s.getTraceId(),
                s.getSpanId(),
                s.getParentSpanContext().isValid() ? s.getParentSpanId() : "",
                s.getName(),
                Instant.ofEpochSecond(0, s.getStartEpochNanos()),
                Duration.ofNanos(Math.max(0, s.getEndEpochNanos() - s.getStartEpochNanos())),
                s.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR,
                attributes,
                events);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
