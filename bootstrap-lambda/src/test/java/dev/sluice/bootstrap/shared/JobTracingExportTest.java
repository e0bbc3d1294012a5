package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.HopOutcome;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What leaves a function when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set: OTLP/HTTP protobuf through the real
 * exporter to a receiver on localhost, decoded here; and a collector that is down or never answers costs a flush of
 * bounded length, never the delivery's outcome.
 */
@Timeout(60)
class JobTracingExportTest {
    private static final JobId JOB = new JobId("job_0123456789abcdef0123456789abcdef");
    private static final Envelope HOP_1 =
            new Envelope(JOB, new TenantId("acme"), new CorrelationId("corr-1"), "research", 1, 2, Optional.empty());

    private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private HttpServer collector;

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void aHopsSpanArrivesAtTheCollectorInTheJobsTraceWithItsAttributes() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            received.add(ExportTraceServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        JobTracing tracing =
                tracing("http://127.0.0.1:" + collector.getAddress().getPort());
        String parent = "00-" + JobTraceIds.traceId(JOB) + "-00f067aa0ba902b7-01";

        HopOutcome outcome = tracing.delivery("processor", "hop 1", HOP_1, Optional.of(parent), () -> {
            new TracingTelemetry(Telemetry.NONE)
                    .modelCalled(
                            "fast",
                            "gpt-4o-mini",
                            Duration.ofMillis(40),
                            new TokenUsage(120, 30),
                            Cost.usd("0.000036"));
            return new HopOutcome.Advanced(2);
        });
        tracing.flush();

        assertThat(outcome).isEqualTo(new HopOutcome.Advanced(2));
        assertThat(contentTypes).containsOnly("application/x-protobuf");
        List<Span> spans = spans();
        assertThat(spans).singleElement().satisfies(span -> {
            assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(JobTraceIds.traceId(JOB));
            assertThat(hex(span.getParentSpanId().toByteArray())).isEqualTo("00f067aa0ba902b7");
            assertThat(span.getName()).isEqualTo("hop 1");
            assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
            Map<String, String> attributes = attributes(span.getAttributesList());
            assertThat(attributes)
                    .containsEntry("sluice.job_id", JOB.value())
                    .containsEntry("sluice.tenant", "acme")
                    .containsEntry("sluice.pipeline", "research")
                    .containsEntry("sluice.hop", "1")
                    .containsEntry("sluice.attempt", "2")
                    .containsEntry("sluice.model", "fast")
                    .containsEntry("gen_ai.usage.input_tokens", "120")
                    .containsEntry("gen_ai.usage.output_tokens", "30")
                    .containsEntry("sluice.cost_usd", "3.6E-5")
                    .containsEntry("sluice.outcome", "advanced");
        });
        assertThat(attributes(
                        received.getFirst().getResourceSpans(0).getResource().getAttributesList()))
                .containsEntry("service.name", "sluice-processor");
    }

    @Test
    void aMessageWithoutUsableContextJoinsTheJobsRootSpan() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(ExportTraceServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        JobTracing tracing =
                tracing("http://127.0.0.1:" + collector.getAddress().getPort());
        // Another trace's context (a redriven message copied by hand), and none at all.
        tracing.delivery(
                "processor",
                "hop 1",
                HOP_1,
                Optional.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                () -> new HopOutcome.Duplicate());
        tracing.delivery("processor", "hop 1", HOP_1, Optional.empty(), () -> new HopOutcome.Duplicate());
        tracing.flush();

        assertThat(spans()).hasSize(2).allSatisfy(span -> {
            assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(JobTraceIds.traceId(JOB));
            assertThat(hex(span.getParentSpanId().toByteArray())).isEqualTo(JobTraceIds.rootSpanId(JOB));
        });
    }

    @Test
    void aCollectorThatIsDownCostsTheDeliveryNothingButABoundedFlush() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertFlushBounded(tracing("http://127.0.0.1:" + closed));
    }

    @Test
    void aCollectorThatNeverAnswersCostsAtMostTheFlushTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closing) {
                    // the test is over
                }
            });
            assertFlushBounded(tracing("http://127.0.0.1:" + silent.getLocalPort()));
        }
    }

    private static void assertFlushBounded(JobTracing tracing) {
        HopOutcome outcome =
                tracing.delivery("finalizer", "finalize", HOP_1, Optional.empty(), () -> new HopOutcome.Completed());
        long start = System.nanoTime();
        tracing.flush();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(outcome).isEqualTo(new HopOutcome.Completed());
        assertThat(took).isLessThan(JobTracing.FLUSH_TIMEOUT.plusSeconds(1));
    }

    private static JobTracing tracing(String endpoint) {
        Map<String, String> env = new HashMap<>(SettingsTest.required());
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        env.put("POWERTOOLS_SERVICE_NAME", "sluice-processor");
        JobTracing tracing = JobTracing.from(Settings.from(env).tracing());
        assertThat(tracing.enabled()).isTrue();
        return tracing;
    }

    private List<Span> spans() {
        return received.stream()
                .flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(r -> r.getScopeSpansList().stream())
                .flatMap(s -> s.getSpansList().stream())
                .toList();
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> out = new HashMap<>();
        for (KeyValue kv : values) {
            var v = kv.getValue();
            out.put(
                    kv.getKey(),
                    switch (v.getValueCase()) {
                        case STRING_VALUE -> v.getStringValue();
                        case INT_VALUE -> Long.toString(v.getIntValue());
                        case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                        case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                        default -> v.toString();
                    });
        }
        return out;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
