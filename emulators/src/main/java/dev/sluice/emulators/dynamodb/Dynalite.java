package dev.sluice.emulators.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dynalite server (DynamoDB's API, in a node child process) bound to 127.0.0.1 on a free port.
 *
 * <p>{@link #shared()} starts one per JVM on first use and stops it when the JVM exits; {@link #start} gives the
 * caller its own server to {@link #close()}. Either way the server exits by itself when this JVM dies (a watchdog
 * preloaded into node notices its stdin close), and a pid file records it so that a later start also stops any
 * server left behind by a JVM that was killed.
 */
public final class Dynalite implements AutoCloseable {
    private static final int BIND_ATTEMPTS = 5;
    private static final String READY = "Dynalite listening at";
    private static Dynalite shared;

    private final Process process;
    private volatile boolean stopping;
    private final int port;
    private final Path pidFile;
    private final Path log;
    private final Thread shutdownHook;

    private Dynalite(Process process, int port, Path pidFile, Path log) {
        this.process = process;
        this.port = port;
        this.pidFile = pidFile;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "dynalite-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        process.onExit().thenRun(this::reportUnexpectedExit);
    }

    /**
     * A server that exits while its owner still wants it (not through {@link #close()}) leaves its log as
     * {@code crashed-dynalite-<pid>.log} in the run directory, which no sweep removes, and says so on stderr: a job store
     * that vanishes mid-run must leave the reason behind.
     */
    private void reportUnexpectedExit() {
        if (stopping) {
            return;
        }
        Path kept = crashLog();
        String tail;
        try {
            Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            tail = "(its log could not be read: " + e.getMessage() + ")";
        }
        System.err.println("dynalite on port " + port + " exited unexpectedly with code " + process.exitValue()
                + "; its log is kept at " + kept + ":\n" + tail);
    }

    /** The log of a server that exited unexpectedly, where {@link #reportUnexpectedExit} keeps it. */
    public Path crashLog() {
        return log.resolveSibling(
                "crashed-" + PidFiles.logName(port).replace(".log", "") + "-" + process.pid() + ".log");
    }

    /** The server of this JVM, started on first call with {@link DynaliteSettings#defaults()} and kept until exit. */
    public static synchronized Dynalite shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start(DynaliteSettings.defaults());
        }
        return shared;
    }

    /** Starts a server of the caller's own; stops orphans of killed runs and installs dynalite first if needed. */
    public static Dynalite start(DynaliteSettings settings) {
        synchronized (Dynalite.class) {
            try {
                Files.createDirectories(settings.runDir());
                PidFiles.stopOrphans(settings.runDir());
                Path cli = DynaliteInstaller.ensureInstalled(settings.installRoot());
                IllegalStateException last = null;
                for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
                    try {
                        return launch(cli, settings, freePort());
                    } catch (PortTakenException e) {
                        // Another process took the port between our probe and node's bind: pick another one.
                        last = new IllegalStateException(e.getMessage());
                    }
                }
                throw new IllegalStateException(
                        "dynalite could not bind a free port in " + BIND_ATTEMPTS + " attempts", last);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start dynalite", e);
            }
        }
    }

    private static Dynalite launch(Path cli, DynaliteSettings settings, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "node",
                "-r",
                DynaliteInstaller.watchdog(cli).toString(),
                cli.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--createTableMs",
                "0",
                "--deleteTableMs",
                "0",
                "--updateTableMs",
                "0"));
        if (settings.dataDir().isPresent()) {
            // Absolute: node runs in the install directory, where a relative path would land.
            Path data = settings.dataDir().get().toAbsolutePath();
            Files.createDirectories(data);
            command.add("--path");
            command.add(data.toString());
        }
        Path log = settings.runDir().resolve(PidFiles.logName(port));
        // stdin stays a pipe that this JVM never writes nor closes: the watchdog exits when the pipe closes.
        Process process = new ProcessBuilder(command)
                .directory(cli.getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path pidFile = PidFiles.write(settings.runDir(), process.toHandle());
        try {
            awaitReady(process, log, port, settings.startTimeout());
        } catch (RuntimeException | IOException e) {
            PidFiles.stop(process.toHandle());
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(log);
            throw e;
        }
        return new Dynalite(process, port, pidFile, log);
    }

    private static void awaitReady(Process process, Path log, int port, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (out.contains(READY)) {
                return;
            }
            if (!process.isAlive()) {
                if (out.contains("EADDRINUSE")) {
                    throw new PortTakenException("port " + port + " was taken");
                }
                throw new IllegalStateException("dynalite exited with code " + process.exitValue() + ": " + out);
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException(
                "dynalite did not listen within " + timeout + ": " + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server and its child processes, and removes its pid file. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook is running or about to run: stopping twice is harmless.
        }
        stop();
    }

    private void stop() {
        stopping = true;
        PidFiles.stop(process.toHandle());
        try {
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("dynalite stopped but its run files remain", e);
        }
    }

    static void sleep(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dynalite", e);
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
