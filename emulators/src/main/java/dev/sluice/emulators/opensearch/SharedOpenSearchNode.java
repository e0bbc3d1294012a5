package dev.sluice.emulators.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one OpenSearch node of this JVM, started on first use and stopped by a shutdown hook: a node takes 20-40 s and
 * ~800 MB, so every test class shares it. The distribution directory comes from the system property
 * {@code sluice.opensearch.dist} (set by the build), else {@code target/opensearch-dist}.
 */
public final class SharedOpenSearchNode {
    private static OpenSearchNode node;

    private SharedOpenSearchNode() {}

    public static synchronized OpenSearchNode get() {
        if (node == null || !node.isAlive()) {
            OpenSearchNode started = OpenSearchNode.start(OpenSearchNode.Settings.fromDistributionDir(distDir()));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "opensearch-stop"));
            node = started;
        }
        return node;
    }

    private static Path distDir() {
        String configured = System.getProperty("sluice.opensearch.dist", "");
        Path dir = configured.isBlank() ? Path.of("target", "opensearch-dist") : Path.of(configured);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no OpenSearch distribution in " + dir.toAbsolutePath()
                    + ": build with Maven (dependency:copy execution 'opensearch-distribution')");
        }
        return dir;
    }
}
