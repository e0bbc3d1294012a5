package dev.sluice.bootstrap.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.port.VectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One store per directory, opened once, restoring what is missing on disk from the published snapshot. */
class LuceneStoresTest {
    private static final IndexSpec DOCS = new IndexSpec("docs", 4, 400, 40);
    private final InMemoryBlobStore bucket = new InMemoryBlobStore();

    private static List<String> ids(LuceneVectorStore store) {
        return store
                .search(DOCS.name(), new VectorStore.Query(Fixtures.TENANT, new float[] {1, 1, 1, 1}, 10, Map.of()))
                .stream()
                .map(RetrievedChunk::id)
                .toList();
    }

    private void write(Path dir, String documentId, boolean publish) {
        try (LuceneVectorStore writer = new LuceneVectorStore(new LuceneVectorStore.Settings(dir))) {
            writer.ensureIndex(DOCS);
            writer.upsert(
                    DOCS.name(),
                    List.of(new Chunk(
                            documentId, Fixtures.TENANT, documentId, "text", new float[] {1, 1, 1, 1}, Map.of())));
            if (publish) {
                writer.snapshot(DOCS.name(), bucket);
            }
        }
    }

    @Test
    void everyGraphOfTheProcessGetsTheSameStoreForADirectory(@TempDir Path tmp) {
        LuceneStores stores = new LuceneStores();
        LuceneVectorStore processor = stores.open(tmp.resolve("lucene"), List.of("docs"), bucket);
        LuceneVectorStore ingestor = stores.open(tmp.resolve("lucene"), List.of("docs"), bucket);
        try {
            assertThat(ingestor).isSameAs(processor);
            // The ingestor's write is what the processor searches: one writer, one store.
            ingestor.ensureIndex(DOCS);
            ingestor.upsert(
                    DOCS.name(),
                    List.of(new Chunk("one", Fixtures.TENANT, "one", "text", new float[] {1, 1, 1, 1}, Map.of())));
            assertThat(ids(processor)).containsExactly("one");
            assertThat(stores.open(tmp.resolve("other"), List.of("docs"), bucket))
                    .isNotSameAs(processor);
        } finally {
            processor.close();
        }
    }

    @Test
    void anIndexMissingOnDiskIsRestoredFromItsSnapshot(@TempDir Path tmp) {
        write(tmp.resolve("ingestor"), "published", true);

        try (LuceneVectorStore store = new LuceneStores().open(tmp.resolve("cold"), List.of("docs", "empty"), bucket)) {
            assertThat(ids(store)).containsExactly("published");
            assertThat(Files.isDirectory(tmp.resolve("cold").resolve("empty")))
                    .as("an index never published is left alone")
                    .isFalse();
        }
    }

    @Test
    void anIndexOnDiskIsKeptAsItIs(@TempDir Path tmp) {
        write(tmp.resolve("warm"), "local", false);
        write(tmp.resolve("ingestor"), "published", true);

        try (LuceneVectorStore store = new LuceneStores().open(tmp.resolve("warm"), List.of("docs"), bucket)) {
            assertThat(ids(store)).containsExactly("local");
        }
    }

    @Test
    void afterASnapStartRestoreTheStoreCatchesUpWithWhatWasPublishedSinceInit(@TempDir Path tmp) {
        write(tmp.resolve("ingestor"), "before-snapshot", true);
        LuceneStores stores = new LuceneStores();
        try (LuceneVectorStore store = stores.open(tmp.resolve("snapshotted"), List.of("docs"), bucket)) {
            assertThat(ids(store)).containsExactly("before-snapshot");
            // Published while the function's snapshot sat unused: a restored instance must not serve the old corpus.
            write(tmp.resolve("ingestor"), "after-snapshot", true);
            assertThat(ids(store)).containsExactly("before-snapshot");

            stores.refreshes().forEach(r -> r.afterRestore(null));

            assertThat(ids(store)).containsExactlyInAnyOrder("before-snapshot", "after-snapshot");
            // Nothing newer: the next restore reads the token and loads nothing.
            stores.refreshes().forEach(r -> r.afterRestore(null));
            assertThat(ids(store)).containsExactlyInAnyOrder("before-snapshot", "after-snapshot");
        }
    }

    @Test
    void theModuleGivesEveryGraphOfTheProcessTheSameStore(@TempDir Path tmp) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "SLUICE_WORK_QUEUE_URL", "w",
                "SLUICE_FINALIZE_QUEUE_URL", "f",
                "SLUICE_INGEST_QUEUE_URL", "i",
                "SLUICE_JOBS_TABLE", "j",
                "SLUICE_CACHE_TABLE", "c",
                "SLUICE_LIMITS_TABLE", "l",
                "SLUICE_BUCKET", "b"));
        env.put("SLUICE_LUCENE_DIR", tmp.resolve("lucene").toString());
        Settings settings = Settings.from(env);
        SluiceConfig config = ConfigSource.bundled();
        // Two graphs' providers, as the local runtime's processor and ingestor call them.
        LuceneVectorStore processor = RetrievalModule.lucene(settings, config, bucket);
        try {
            assertThat(RetrievalModule.lucene(settings, config, new InMemoryBlobStore()))
                    .isSameAs(processor);
        } finally {
            processor.close();
        }
    }
}
