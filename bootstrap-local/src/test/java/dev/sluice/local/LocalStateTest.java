package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateTest {
    @TempDir
    Path home;

    @Test
    void everyStandInKeepsItsDataUnderTheStateDirectory() {
        LocalState state = new LocalState(home);
        assertThat(state.queues()).startsWithRaw(state.dir());
        assertThat(state.tables()).startsWithRaw(state.dir());
        assertThat(state.bucket()).startsWithRaw(state.dir());
        assertThat(state.lucene()).startsWithRaw(state.dir());
        assertThat(state.dir()).isEqualTo(home.resolve("state"));
    }

    @Test
    void aWipeDeletesTheStateAndKeepsTheLogs() throws Exception {
        LocalState state = new LocalState(home);
        Files.createDirectories(state.tables().resolve("nested"));
        Files.writeString(state.tables().resolve("nested/000003.log"), "x");
        Files.createDirectories(state.queues());
        Files.writeString(state.queues().resolve("queues.mv.db"), "x");
        Files.writeString(home.resolve("sluice.log"), "kept");

        state.wipe();

        assertThat(state.exists()).isFalse();
        assertThat(home.resolve("sluice.log")).hasContent("kept");
        state.wipe();
    }
}
