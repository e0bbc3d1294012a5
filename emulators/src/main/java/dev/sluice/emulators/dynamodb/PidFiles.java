package dev.sluice.emulators.dynamodb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pid files of running servers, each naming the server and the JVM that owns it, with start times so a recycled
 * pid is never mistaken for one of ours. A server whose owner is gone is an orphan of a killed run.
 */
final class PidFiles {
    private static final String PREFIX = "dynalite-";

    private PidFiles() {}

    static Path write(Path runDir, ProcessHandle server) throws IOException {
        ProcessHandle owner = ProcessHandle.current();
        Path file = runDir.resolve(PREFIX + server.pid() + ".pid");
        Files.write(
                file,
                List.of(Long.toString(server.pid()), startOf(server), Long.toString(owner.pid()), startOf(owner)),
                StandardCharsets.UTF_8);
        return file;
    }

    static String logName(int port) {
        return PREFIX + ProcessHandle.current().pid() + "-" + port + ".log";
    }

    /** Stops every recorded server whose owning JVM no longer runs, and removes its files. */
    static int stopOrphans(Path runDir) throws IOException {
        int stopped = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, PREFIX + "*.pid")) {
            for (Path file : files) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    continue; // its owner removed it while we listed the directory
                }
                if (lines.size() < 4 || isAlive(Long.parseLong(lines.get(2)), lines.get(3))) {
                    continue;
                }
                Optional<ProcessHandle> server = matching(Long.parseLong(lines.get(0)), lines.get(1));
                if (server.isPresent()) {
                    stop(server.get());
                    stopped++;
                }
                Files.deleteIfExists(file);
            }
        }
        deleteLogsOfDeadOwners(runDir);
        return stopped;
    }

    private static void deleteLogsOfDeadOwners(Path runDir) throws IOException {
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(runDir, PREFIX + "*.log")) {
            for (Path log : logs) {
                String[] parts = log.getFileName().toString().split("[-.]");
                if (parts.length >= 2
                        && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
                    Files.deleteIfExists(log);
                }
            }
        }
    }

    /** Asks the process tree to stop, then forces it if it is still there after a few seconds. */
    static void stop(ProcessHandle process) {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not wait for process " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static boolean isAlive(long pid, String start) {
        return matching(pid, start).isPresent();
    }

    private static Optional<ProcessHandle> matching(long pid, String start) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> startOf(p).equals(start));
    }

    private static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }
}
