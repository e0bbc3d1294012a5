package dev.sluice.emulators.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Unzips the distribution and installs the k-NN plugin once per distribution, under a lock shared by all JVMs. */
final class Installation {
    private static final String MARKER = ".sluice-installed";

    private Installation() {}

    static Path ensureInstalled(OpenSearchNode.Settings settings) throws IOException {
        String name = settings.distributionZip().getFileName().toString().replace(".zip", "") + "-"
                + settings.knnPluginZip().getFileName().toString().replace(".zip", "");
        Path target = settings.workRoot().resolve(name);
        try (FileChannel channel = FileChannel.open(
                        settings.workRoot().resolve("install.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (Files.exists(target.resolve(MARKER))) {
                return target;
            }
            OpenSearchNode.deleteTree(target);
            Path staging = Files.createTempDirectory(settings.workRoot(), "install-");
            run(
                    List.of("unzip", "-q", settings.distributionZip().toString(), "-d", staging.toString()),
                    staging,
                    settings);
            Path home;
            try (Stream<Path> top = Files.list(staging)) {
                home = top.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            run(
                    List.of(
                            home.resolve("bin/opensearch-plugin").toString(),
                            "install",
                            "--batch",
                            settings.knnPluginZip().toUri().toString()),
                    home,
                    settings);
            makeReadableByAll(staging);
            Files.move(home, target);
            OpenSearchNode.deleteTree(staging);
            Files.writeString(target.resolve(MARKER), "ok\n", StandardCharsets.UTF_8);
            return target;
        }
    }

    // The distribution's only executables are its bin/ scripts; zip entries carry no permissions Java can read.
    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                if (target.getParent().getFileName().toString().equals("bin")) {
                    Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(target));
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(target, perms);
                }
            }
        }
    }

    private static void run(List<String> command, Path dir, OpenSearchNode.Settings settings) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(settings.workRoot().resolve("install.log").toFile());
        builder.environment().put("OPENSEARCH_JAVA_HOME", settings.javaHome().toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed: "
                        + Files.readString(settings.workRoot().resolve("install.log")));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing OpenSearch", e);
        }
    }

    // The shipped config is root-only; the node runs as another user and needs to read everything here.
    private static void makeReadableByAll(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open up " + root, e);
        }
    }
}
