package dev.sluice.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Where a durable local runtime keeps what it has accepted, all under {@code <home>/state}: queues and their
 * messages (ElasticMQ's H2 file), tables (dynalite's LevelDB), the bucket (s3proxy's filesystem store, so the Lucene
 * snapshots too) and the runtime's own Lucene copy. Logs stay beside it in {@code home}, and a wipe keeps them.
 */
record LocalState(Path home) {
    LocalState {
        Objects.requireNonNull(home, "'home' must not be null");
    }

    Path dir() {
        return home.resolve("state");
    }

    Path queues() {
        return dir().resolve("sqs");
    }

    Path tables() {
        return dir().resolve("dynamodb");
    }

    Path bucket() {
        return dir().resolve("s3");
    }

    Path lucene() {
        return dir().resolve("lucene");
    }

    boolean exists() {
        return Files.isDirectory(dir());
    }

    /** Deletes the whole state; the next durable start begins empty. */
    void wipe() throws IOException {
        if (!exists()) {
            return;
        }
        Files.walkFileTree(dir(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
