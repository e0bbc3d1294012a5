package dev.sluice.emulators.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node OpenSearch with the k-NN plugin, started from the distribution zips Maven fetched, run as an
 * unprivileged user when we are root (OpenSearch refuses root, and CI runs as root), bound to 127.0.0.1 on a free
 * port, and stopped by SIGTERM.
 *
 * <p>The distribution is installed once under {@link Settings#workRoot()} and shared by every run; each run gets its
 * own directory (config, data, logs, tmp) so concurrent JVMs never share state. Runs left behind by a killed JVM are
 * swept at the next start.
 */
public final class OpenSearchNode implements AutoCloseable {
    private static final String MAIN_CLASS = "org.opensearch.bootstrap.OpenSearch";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final Path runDir;
    private final int port;

    private OpenSearchNode(Process process, Path runDir, int port) {
        this.process = process;
        this.runDir = runDir;
        this.port = port;
    }

    /**
     * Where the node comes from and runs.
     *
     * @param distributionZip {@code org.opensearch.distribution.integ-test-zip:opensearch:zip}
     * @param knnPluginZip {@code org.opensearch.plugin:opensearch-knn:zip} of the same version
     * @param javaHome a JDK 21+ for the node
     * @param workRoot where the installation and run directories live; must be traversable by {@code runAs}
     * @param runAsUid the unprivileged uid (and gid) the node runs as when this JVM is root
     * @param heap the node's heap, e.g. {@code 512m}
     */
    public record Settings(
            Path distributionZip, Path knnPluginZip, Path javaHome, Path workRoot, int runAsUid, String heap) {
        public Settings {
            Objects.requireNonNull(distributionZip, "'distributionZip' must not be null");
            Objects.requireNonNull(knnPluginZip, "'knnPluginZip' must not be null");
            Objects.requireNonNull(javaHome, "'javaHome' must not be null");
            Objects.requireNonNull(workRoot, "'workRoot' must not be null");
            Objects.requireNonNull(heap, "'heap' must not be null");
        }

        /** The zips found in {@code distDir}, this JVM's JDK, a work root under the system temp dir, user nobody. */
        public static Settings fromDistributionDir(Path distDir) {
            return new Settings(
                    single(distDir, "opensearch-[0-9.]+\\.zip"),
                    single(distDir, "opensearch-knn-[0-9.]+\\.zip"),
                    Path.of(System.getProperty("java.home")),
                    Path.of(System.getProperty("java.io.tmpdir"), "sluice-opensearch"),
                    65534,
                    "512m");
        }

        private static Path single(Path dir, String regex) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.getFileName().toString().matches(regex))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException(
                                "no file matching " + regex + " in " + dir + ": run the build's dependency:copy"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
    }

    /** Installs (once) and starts a node, returning when the cluster is green. */
    public static OpenSearchNode start(Settings settings) {
        try {
            Files.createDirectories(settings.workRoot());
            Path home = Installation.ensureInstalled(settings);
            sweepOrphans(settings.workRoot());
            Path runDir = Files.createTempDirectory(settings.workRoot(), "run-");
            RunDirectory.prepare(home, runDir, settings.heap());
            Process process = launch(settings, home, runDir);
            try {
                int port = awaitPort(process, runDir);
                awaitGreen(process, runDir, port);
                return new OpenSearchNode(process, runDir, port);
            } catch (RuntimeException e) {
                stop(process);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start OpenSearch", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, a grace period, then the run directory is removed. */
    @Override
    public void close() {
        stop(process);
        deleteTree(runDir);
    }

    private static Process launch(Settings settings, Path home, Path runDir) throws IOException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            RunDirectory.chownTree(runDir, settings.runAsUid());
            // setpriv execs, so the PID we hold is OpenSearch's own JVM (bin/opensearch execs too).
            command.addAll(List.of(
                    "setpriv",
                    "--reuid=" + settings.runAsUid(),
                    "--regid=" + settings.runAsUid(),
                    "--init-groups",
                    "--"));
        }
        command.add(home.resolve("bin/opensearch").toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("logs/console.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("OPENSEARCH_JAVA_HOME", settings.javaHome().toString());
        env.put("OPENSEARCH_PATH_CONF", runDir.resolve("config").toString());
        env.put("OPENSEARCH_TMPDIR", runDir.resolve("tmp").toString());
        env.put("OPENSEARCH_JAVA_OPTS", "-Xms" + settings.heap() + " -Xmx" + settings.heap());
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        Process process = builder.start();
        Files.writeString(runDir.resolve("owner"), ProcessHandle.current().pid() + "\n" + process.pid() + "\n");
        return process;
    }

    private static int awaitPort(Process process, Path runDir) {
        Path ports = runDir.resolve("logs/http.ports");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            failIfDead(process, runDir);
            try {
                if (Files.exists(ports)) {
                    String first = Files.readAllLines(ports).getFirst().trim();
                    return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
                }
            } catch (IOException | RuntimeException e) {
                // The node writes the file atomically, but it may be empty for an instant: try again.
            }
            sleep(200);
        }
        throw new IllegalStateException("OpenSearch wrote no port within " + START_TIMEOUT + ": " + tail(runDir));
    }

    private static void awaitGreen(Process process, Path runDir, int port) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = URI.create("http://127.0.0.1:" + port + "/_cluster/health?wait_for_status=green&timeout=5s");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            failIfDead(process, runDir);
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"status\":\"green\"")) {
                    zeroReplicasByDefault(http, port);
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for OpenSearch", e);
            }
            sleep(500);
        }
        throw new IllegalStateException("OpenSearch was not green within " + START_TIMEOUT + ": " + tail(runDir));
    }

    // A single node can never place a replica: without this every index stays yellow.
    private static void zeroReplicasByDefault(HttpClient http, int port) throws IOException, InterruptedException {
        String template = "{\"index_patterns\":[\"*\"],\"priority\":0,"
                + "\"template\":{\"settings\":{\"number_of_replicas\":0}}}";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_index_template/zero-replicas"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(template))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("cannot set the zero-replica template: " + response.body());
        }
    }

    private static void failIfDead(Process process, Path runDir) {
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    "OpenSearch exited with code " + process.exitValue() + " while starting: " + tail(runDir));
        }
    }

    private static String tail(Path runDir) {
        try {
            List<String> lines = Files.readAllLines(runDir.resolve("logs/console.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no console log: " + e.getMessage() + ")";
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills nodes whose owning JVM is gone (killed test runs) and removes their run directories. */
    private static void sweepOrphans(Path workRoot) throws IOException {
        Path lock = workRoot.resolve("sweep.lock");
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock();
                Stream<Path> runs = Files.list(workRoot)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().startsWith("run-"))
                    .toList()) {
                Path owner = run.resolve("owner");
                if (!Files.exists(owner)) {
                    if (Files.getLastModifiedTime(run)
                            .toInstant()
                            .isBefore(Instant.now().minus(Duration.ofMinutes(10)))) {
                        deleteTree(run);
                    }
                    continue;
                }
                List<String> pids = Files.readAllLines(owner);
                long ownerPid = Long.parseLong(pids.get(0).trim());
                long nodePid = Long.parseLong(pids.get(1).trim());
                if (ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                ProcessHandle.of(nodePid)
                        .filter(p -> p.info().commandLine().orElse("").contains(MAIN_CLASS))
                        .ifPresent(OpenSearchNode::terminate);
                deleteTree(run);
            }
        }
    }

    private static void terminate(ProcessHandle handle) {
        handle.destroy();
        try {
            handle.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for OpenSearch", e);
        }
    }
}
