package dev.sluice.emulators.dynamodb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs dynalite from the committed {@code package.json} and {@code package-lock.json} with {@code npm ci}, once
 * per lockfile: the install directory is named after the lockfile's hash, and a file lock keeps two JVMs from
 * installing into it at the same time.
 */
final class DynaliteInstaller {
    private static final String RESOURCES = "/dev/sluice/emulators/dynamodb/";
    private static final String DONE_MARKER = ".installed";

    private DynaliteInstaller() {}

    /** The path of dynalite's {@code cli.js}, installing it first when needed. */
    static Path ensureInstalled(Path installRoot) {
        byte[] manifest = resource("package.json");
        byte[] lock = resource("package-lock.json");
        Path dir = installRoot.resolve("v-" + hash(manifest, lock));
        Path cli = dir.resolve("node_modules/dynalite/cli.js");
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(DONE_MARKER))) {
                return cli;
            }
            try (FileChannel channel = FileChannel.open(
                            dir.resolve("install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                // Another JVM may have finished while this one waited for the lock.
                if (!Files.exists(dir.resolve(DONE_MARKER))) {
                    Files.write(dir.resolve("package.json"), manifest);
                    Files.write(dir.resolve("package-lock.json"), lock);
                    npmCi(dir);
                    if (!Files.isRegularFile(cli)) {
                        throw new IllegalStateException("npm ci finished but " + cli + " is missing");
                    }
                    Files.writeString(dir.resolve(DONE_MARKER), "dynalite installed\n");
                }
            }
            return cli;
        } catch (IOException e) {
            throw new UncheckedIOException("could not install dynalite into " + dir, e);
        }
    }

    /**
     * The script the server is started with ({@code node -r}) so that it exits when its JVM dies; written next to
     * the install, atomically, since several JVMs may start servers from it at once.
     */
    static Path watchdog(Path cli) {
        byte[] script = resource("watchdog.js");
        Path target = cli.getParent().getParent().resolveSibling("sluice-watchdog-" + hash(script) + ".js");
        try {
            if (!Files.exists(target)) {
                Path temp = Files.createTempFile(target.getParent(), "watchdog", ".tmp");
                Files.write(temp, script);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    private static void npmCi(Path dir) throws IOException {
        Path log = dir.resolve("npm-ci.log");
        ProcessBuilder pb = new ProcessBuilder(
                        List.of("npm", "ci", "--prefix", dir.toString(), "--no-audit", "--no-fund", "--omit=dev"))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process npm;
        try {
            npm = pb.start();
        } catch (IOException e) {
            throw new IOException("dynalite needs Node.js 20+ and npm on the PATH to install it", e);
        }
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IOException("npm ci did not finish within 5 minutes; see " + log);
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing dynalite", e);
        }
        if (npm.exitValue() != 0) {
            throw new IOException("npm ci failed with exit code " + npm.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = DynaliteInstaller.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
