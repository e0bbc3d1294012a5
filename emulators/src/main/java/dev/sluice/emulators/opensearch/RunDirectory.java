package dev.sluice.emulators.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One run's own config, data, logs and tmp, so the shared installation is never written to. */
final class RunDirectory {
    private RunDirectory() {}

    static void prepare(Path home, Path runDir, String heap) throws IOException {
        Path config = runDir.resolve("config");
        copyTree(home.resolve("config"), config);
        for (String dir : List.of("data", "logs", "tmp")) {
            Files.createDirectories(runDir.resolve(dir));
        }
        patchJvmOptions(config.resolve("jvm.options"), home, runDir, heap);
        Files.writeString(
                config.resolve("opensearch.yml"),
                String.join(
                        "\n",
                        "cluster.name: sluice-test",
                        "node.name: sluice-node",
                        "discovery.type: single-node",
                        "network.host: 127.0.0.1",
                        "http.port: 0",
                        "transport.port: 0",
                        "node.portsfile: true",
                        "path.data: " + runDir.resolve("data"),
                        "path.logs: " + runDir.resolve("logs"),
                        "cluster.routing.allocation.disk.threshold_enabled: false",
                        "action.destructive_requires_name: false",
                        ""),
                StandardCharsets.UTF_8);
    }

    // jvm.options holds paths relative to the working directory; make them absolute and shrink the heap.
    private static void patchJvmOptions(Path jvmOptions, Path home, Path runDir, String heap) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(jvmOptions, StandardCharsets.UTF_8)) {
            String patched = line.replace("-Xms1g", "-Xms" + heap)
                    .replace("-Xmx1g", "-Xmx" + heap)
                    .replace("HeapDumpPath=data", "HeapDumpPath=" + runDir.resolve("data"))
                    .replace("ErrorFile=logs/", "ErrorFile=" + runDir.resolve("logs") + "/")
                    .replace("file=logs/gc.log", "file=" + runDir.resolve("logs/gc.log"))
                    .replace("-Xloggc:logs/", "-Xloggc:" + runDir.resolve("logs") + "/")
                    .replace("-javaagent:agent/", "-javaagent:" + home.resolve("agent") + "/");
            out.add(patched);
        }
        Files.write(jvmOptions, out, StandardCharsets.UTF_8);
    }

    static void chownTree(Path root, int uid) throws IOException {
        UserPrincipal user =
                root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Integer.toString(uid));
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setOwner(p, user);
            }
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from, e);
        }
    }
}
