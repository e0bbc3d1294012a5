package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
    @Test
    void theEtaIsTheTimeLeftAtTheRateSoFar() {
        assertThat(Progress.line("ingest", 0, 10, Duration.ofSeconds(3)))
                .isEqualTo("ingest: 0/10 (0%), 3 s elapsed, ETA unknown");
        assertThat(Progress.line("ingest", 4, 10, Duration.ofSeconds(8)))
                .isEqualTo("ingest: 4/10 (40%), 8 s elapsed, ETA 12 s");
        assertThat(Progress.line("batch", 1, 100, Duration.ofSeconds(2)))
                .isEqualTo("batch: 1/100 (1%), 2 s elapsed, ETA 3 min 18 s");
        assertThat(Progress.line("batch", 12, 10, Duration.ofSeconds(2)))
                .isEqualTo("batch: 10/10 (100%), 2 s elapsed, done");
    }

    @Test
    void outsideATerminalALineIsWrittenEveryFiveSecondsAndTheLastAlways() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "work", now::get, false);
        p.update(1, 4);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        p.update(2, 4);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        p.update(3, 4);
        now.addAndGet(Duration.ofMillis(100).toNanos());
        p.update(4, 4);
        p.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactly(
                        "work: 1/4 (25%), 0 s elapsed, ETA 0 s",
                        "work: 3/4 (75%), 6 s elapsed, ETA 2 s", "work: 4/4 (100%), 6 s elapsed, done");
    }

    @Test
    void aBatchFileIsOneInputObjectPerLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.writeString(file, "{\"question\":\"a\"}\n\n{\"question\":\"b\"}\n");
        assertThat(BatchSubmit.items(file)).hasSize(2);
        Files.writeString(file, "{\"question\":\"a\"}\n[1]\n");
        assertThatThrownBy(() -> BatchSubmit.items(file)).hasMessageContaining("in.jsonl:2: must be a JSON object");
        Files.writeString(file, "{\"question\":\n");
        assertThatThrownBy(() -> BatchSubmit.items(file)).hasMessageContaining("in.jsonl:1: not JSON");
    }
}
