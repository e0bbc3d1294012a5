package dev.sluice.emulators.dynamodb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where dynalite is installed and run.
 *
 * @param installRoot parent of the npm installs, one per lockfile version (shared by every worktree and JVM)
 * @param runDir where each running server leaves a pid file, so a later run can stop the orphans of a killed one
 * @param dataDir LevelDB directory for data that survives restarts; empty keeps everything in memory
 * @param startTimeout how long to wait for the server to listen
 */
public record DynaliteSettings(Path installRoot, Path runDir, Optional<Path> dataDir, Duration startTimeout) {
    public DynaliteSettings {
        Objects.requireNonNull(installRoot, "'installRoot' must not be null");
        Objects.requireNonNull(runDir, "'runDir' must not be null");
        Objects.requireNonNull(dataDir, "'dataDir' must not be null");
        Objects.requireNonNull(startTimeout, "'startTimeout' must not be null");
    }

    /** In memory; installed under {@code ~/.cache/sluice/dynalite}, pid files under the temporary directory. */
    public static DynaliteSettings defaults() {
        return new DynaliteSettings(
                Path.of(System.getProperty("user.home"), ".cache", "sluice", "dynalite"),
                Path.of(System.getProperty("java.io.tmpdir"), "sluice-emulators", "dynalite"),
                Optional.empty(),
                Duration.ofSeconds(30));
    }

    public DynaliteSettings withDataDir(Path dir) {
        return new DynaliteSettings(installRoot, runDir, Optional.of(dir), startTimeout);
    }
}
