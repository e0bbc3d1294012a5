package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} must do. */
public abstract class BlobStoreContract {

    protected abstract BlobStore store();

    @Test
    void putThenGetReturnsTheBytesAndContentType() {
        byte[] content = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(content);
        store().put("jobs/j1/payload", content, "application/octet-stream");
        BlobStore.Blob blob = store().get("jobs/j1/payload").orElseThrow();
        assertThat(blob.content()).isEqualTo(content);
        assertThat(blob.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void putOverwrites() {
        store().put("jobs/j2/result", "first".getBytes(StandardCharsets.UTF_8), "text/plain");
        store().put("jobs/j2/result", "second".getBytes(StandardCharsets.UTF_8), "application/json");
        BlobStore.Blob blob = store().get("jobs/j2/result").orElseThrow();
        assertThat(new String(blob.content(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(blob.contentType()).isEqualTo("application/json");
    }

    @Test
    void aMissingKeyIsEmptyAndDeletingItSucceeds() {
        assertThat(store().get("jobs/none/here")).isEmpty();
        store().delete("jobs/none/here");
    }

    @Test
    void deleteRemoves() {
        store().put("jobs/j3/x", new byte[] {1, 2, 3}, "application/octet-stream");
        store().delete("jobs/j3/x");
        assertThat(store().get("jobs/j3/x")).isEmpty();
    }

    @Test
    void aRangeIsThoseBytesOfTheObject() {
        store().put("jobs/j3/inputs", "0123456789".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(new String(
                        store().getRange("jobs/j3/inputs", 3, 4).orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo("3456");
        assertThat(new String(
                        store().getRange("jobs/j3/inputs", 8, 4).orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo("89");
        assertThat(store().getRange("jobs/none/inputs", 0, 4)).isEmpty();
    }
}
