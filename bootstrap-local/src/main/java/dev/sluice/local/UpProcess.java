package dev.sluice.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pid file of a running {@code sluice up} ({@code <home>/up.pid}: pid and start time, so a recycled pid is
 * never taken for it), letting {@code sluice down} stop it and a second {@code up} on the same state refuse to start.
 */
final class UpProcess {
    private static final String FILE = "up.pid";

    private UpProcess() {}

    /** The {@code up} running on {@code home}, if its process is still the one that wrote the file. */
    static Optional<ProcessHandle> running(Path home) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(home.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> startOf(p).equals(lines.get(1).trim()));
    }

    /** Records this JVM as the {@code up} of {@code home}; refuses while another one runs there. */
    static void claim(Path home) throws IOException {
        Optional<ProcessHandle> other = running(home);
        if (other.isPresent() && other.get().pid() != ProcessHandle.current().pid()) {
            throw new IllegalStateException(
                    "sluice is already up here (pid " + other.get().pid() + "): stop it with ./sluice down");
        }
        ProcessHandle self = ProcessHandle.current();
        Files.write(home.resolve(FILE), List.of(Long.toString(self.pid()), startOf(self)), StandardCharsets.UTF_8);
    }

    static void release(Path home) throws IOException {
        Optional<ProcessHandle> owner = running(home);
        if (owner.isEmpty() || owner.get().pid() == ProcessHandle.current().pid()) {
            Files.deleteIfExists(home.resolve(FILE));
        }
    }

    /**
     * Asks the running {@code up} to stop (SIGTERM: it closes its stand-ins and children) and waits for it; forces it
     * after {@code patience}. Returns whether there was one.
     */
    static boolean stop(Path home, Duration patience) throws IOException {
        Optional<ProcessHandle> up = running(home);
        if (up.isEmpty()) {
            Files.deleteIfExists(home.resolve(FILE));
            return false;
        }
        ProcessHandle process = up.get();
        process.destroy();
        try {
            try {
                process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            throw new IOException("pid " + process.pid() + " did not stop even when killed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for pid " + process.pid() + " to stop", e);
        } catch (ExecutionException e) {
            throw new IOException("could not wait for pid " + process.pid(), e);
        }
        Files.deleteIfExists(home.resolve(FILE));
        return true;
    }

    private static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }
}
