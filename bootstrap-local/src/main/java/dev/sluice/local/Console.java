package dev.sluice.local;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Keeps the terminal readable in local runs: the functions' EMF metric lines (which Lambda would ship to
 * CloudWatch) go to {@code .sluice/metrics.log} and are totalled for the CLI to show; everything else passes through.
 */
final class Console {
    private static final Map<String, DoubleAdder> TOTALS = new ConcurrentHashMap<>();

    private Console() {}

    static void install(Path home) throws IOException {
        Files.createDirectories(home);
        PrintStream terminal = System.out;
        OutputStream metricsFile =
                new FileOutputStream(home.resolve("metrics.log").toFile(), true);
        System.setOut(new PrintStream(new LineSplitter(terminal, metricsFile), true, StandardCharsets.UTF_8));
    }

    /** Metric name to the sum of its values since start. */
    static Map<String, Double> totals() {
        Map<String, Double> out = new TreeMap<>();
        TOTALS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    static void reset() {
        TOTALS.clear();
    }

    private static final class LineSplitter extends OutputStream {
        private final PrintStream terminal;
        private final OutputStream metrics;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(PrintStream terminal, OutputStream metrics) {
            this.terminal = terminal;
            this.metrics = metrics;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                flushLine();
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            terminal.flush();
            metrics.flush();
        }

        private void flushLine() throws IOException {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.startsWith("{\"_aws\"")) {
                metrics.write(text.getBytes(StandardCharsets.UTF_8));
                total(text);
            } else {
                terminal.print(text);
            }
        }

        /** Adds every numeric top-level field named in the EMF directive's metric list. */
        private static void total(String emf) {
            try {
                var node = dev.sluice.bootstrap.shared.Json.MAPPER.readTree(emf);
                for (var directive : node.path("_aws").path("CloudWatchMetrics")) {
                    for (var metric : directive.path("Metrics")) {
                        String name = metric.path("Name").asText();
                        var value = node.path(name);
                        if (value.isNumber()) {
                            TOTALS.computeIfAbsent(name, k -> new DoubleAdder()).add(value.asDouble());
                        } else if (value.isArray()) {
                            value.forEach(v -> TOTALS.computeIfAbsent(name, k -> new DoubleAdder())
                                    .add(v.asDouble()));
                        }
                    }
                }
            } catch (IOException e) {
                // A metric line that does not parse is still in metrics.log; the totals just miss it.
            }
        }
    }
}
