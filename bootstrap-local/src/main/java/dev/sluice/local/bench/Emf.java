package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EMF metric lines the functions wrote since an offset of {@code metrics.log}: their bytes (CloudWatch ingests
 * them as log lines), the metric values summed by name, and the distinct metrics (namespace, name, dimension values)
 * they define, which CloudWatch bills per month each.
 */
record Emf(long lines, long bytes, Map<String, Double> totals, Set<String> metrics) {
    double total(String name) {
        return totals.getOrDefault(name, 0.0);
    }

    static Emf read(Path file, long from) throws IOException {
        Map<String, Double> totals = new HashMap<>();
        Set<String> metrics = new TreeSet<>();
        long lines = 0;
        long bytes = 0;
        if (!Files.exists(file)) {
            return new Emf(0, 0, totals, metrics);
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(from);
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("{\"_aws\"")) {
                    continue;
                }
                lines++;
                bytes += line.length() + 1;
                JsonNode node = Json.MAPPER.readTree(LogBytes.utf8(line));
                for (JsonNode directive : node.path("_aws").path("CloudWatchMetrics")) {
                    String namespace = directive.path("Namespace").asText();
                    StringBuilder dims = new StringBuilder();
                    for (JsonNode set : directive.path("Dimensions")) {
                        for (JsonNode dim : set) {
                            dims.append(dim.asText())
                                    .append('=')
                                    .append(node.path(dim.asText()).asText())
                                    .append(',');
                        }
                    }
                    for (JsonNode metric : directive.path("Metrics")) {
                        String name = metric.path("Name").asText();
                        metrics.add(namespace + "/" + name + "[" + dims + "]");
                        JsonNode value = node.path(name);
                        double sum = 0;
                        if (value.isNumber()) {
                            sum = value.asDouble();
                        } else if (value.isArray()) {
                            for (JsonNode v : value) {
                                sum += v.asDouble();
                            }
                        }
                        totals.merge(name, sum, Double::sum);
                    }
                }
            }
        }
        return new Emf(lines, bytes, totals, metrics);
    }
}
