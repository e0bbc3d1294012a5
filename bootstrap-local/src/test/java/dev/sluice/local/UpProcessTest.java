package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpProcessTest {
    @TempDir
    Path home;

    @Test
    void aClaimNamesThisJvmUntilReleased() throws Exception {
        UpProcess.claim(home);
        assertThat(UpProcess.running(home))
                .map(ProcessHandle::pid)
                .contains(ProcessHandle.current().pid());
        UpProcess.release(home);
        assertThat(UpProcess.running(home)).isEmpty();
        assertThat(home.resolve("up.pid")).doesNotExist();
    }

    @Test
    void anotherLiveUpOnTheSameHomeIsRefused() throws Exception {
        ProcessHandle other = ProcessHandle.current().parent().orElseThrow();
        Files.write(home.resolve("up.pid"), List.of(Long.toString(other.pid()), startOf(other)));
        assertThatThrownBy(() -> UpProcess.claim(home))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already up")
                .hasMessageContaining(Long.toString(other.pid()));
        UpProcess.release(home);
        assertThat(home.resolve("up.pid")).as("only its owner removes the file").exists();
    }

    @Test
    void aFileLeftByAKilledUpOrARecycledPidIsNotARunningUp() throws Exception {
        ProcessHandle other = ProcessHandle.current().parent().orElseThrow();
        Files.write(home.resolve("up.pid"), List.of(Long.toString(other.pid()), "1970-01-01T00:00:00Z"));
        assertThat(UpProcess.running(home)).isEmpty();
        assertThat(UpProcess.stop(home, java.time.Duration.ofSeconds(1))).isFalse();
        assertThat(other.isAlive()).isTrue();

        UpProcess.claim(home);
        assertThat(UpProcess.running(home)).isPresent();
    }

    private static String startOf(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("");
    }
}
