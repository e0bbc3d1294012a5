package dev.sluice.adapter.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.VectorStoreContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVectorStoreTest extends VectorStoreContract {
    @TempDir
    Path dir;

    private LuceneVectorStore lucene;

    @Override
    protected VectorStore store() {
        lucene = new LuceneVectorStore(new LuceneVectorStore.Settings(dir.resolve("store")));
        return lucene;
    }

    @AfterEach
    void closeStore() {
        lucene.close();
    }

    private static VectorStore.Query query(float... v) {
        return new VectorStore.Query(Fixtures.TENANT, v, 10, Map.of());
    }

    private void seed(VectorStore s) {
        s.upsert(
                index,
                List.of(
                        new Chunk("a", Fixtures.TENANT, "d1", "alpha", new float[] {1, 0, 0, 0}, Map.of("k", "v")),
                        new Chunk("b", Fixtures.TENANT, "d2", "beta", new float[] {0, 1, 0, 0}, Map.of())));
    }

    @Test
    void aSnapshotRestoredElsewhereAnswersTheSameQueries(@TempDir Path elsewhere) {
        seed(store);
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        long bytes = lucene.snapshot(index, blobs);
        assertThat(bytes).isPositive();
        assertThat(blobs.get("indexes/" + index + "/lucene.zip")).isPresent();

        try (LuceneVectorStore lambda = new LuceneVectorStore(new LuceneVectorStore.Settings(elsewhere))) {
            assertThat(lambda.restore(index, blobs)).isTrue();
            List<RetrievedChunk> hits = lambda.search(index, query(1, 0, 0, 0));
            assertThat(hits).extracting(RetrievedChunk::id).containsExactly("a", "b");
            assertThat(hits.getFirst().metadata()).containsEntry("k", "v");
            assertThat(hits.getFirst().text()).isEqualTo("alpha");
            assertThatThrownBy(() -> lambda.search(index, query(1, 0, 0)))
                    .isInstanceOf(PermanentException.class)
                    .hasMessageContaining("3")
                    .hasMessageContaining("4");
        }
    }

    @Test
    void restoringReplacesWhatWasThereAndAMissingSnapshotIsReported() {
        seed(store);
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        lucene.snapshot(index, blobs);
        store.deleteDocument(index, Fixtures.TENANT, "d1");
        assertThat(store.search(index, query(1, 0, 0, 0)))
                .extracting(RetrievedChunk::id)
                .containsExactly("b");

        assertThat(lucene.restore(index, blobs)).isTrue();
        assertThat(store.search(index, query(1, 0, 0, 0)))
                .extracting(RetrievedChunk::id)
                .containsExactly("a", "b");
        assertThat(lucene.restore("never-snapshotted", blobs)).isFalse();
    }

    @Test
    void theIndexSurvivesAReopenOfTheDirectory() {
        seed(store);
        lucene.close();
        lucene = new LuceneVectorStore(new LuceneVectorStore.Settings(dir.resolve("store")));
        assertThat(lucene.search(index, query(0, 1, 0, 0)).getFirst().id()).isEqualTo("b");
        assertThatThrownBy(() -> lucene.ensureIndex(new IndexSpec(index, 8, 400, 40)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("4")
                .hasMessageContaining("8");
    }

    @Test
    void writingToAnIndexNeverCreatedIsAClearErrorAndSearchingItFindsNothing() {
        assertThatThrownBy(() -> store.upsert(
                        "no-such-index",
                        List.of(new Chunk("a", Fixtures.TENANT, "d1", "alpha", new float[] {1, 0, 0, 0}, Map.of()))))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("no-such-index");
        assertThat(store.search("no-such-index", query(1, 0, 0, 0))).isEmpty();
    }

    @Test
    void aDeleteWithAnIdLuceneCannotIndexIsRefusedAndLeavesNoTrace() {
        seed(store);
        assertThatThrownBy(() -> store.deleteDocument(index, Fixtures.TENANT, "a".repeat(70_000)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("document id");
        store.upsert(
                index,
                List.of(new Chunk("c", Fixtures.OTHER_TENANT, "d3", "gamma", new float[] {0, 0, 1, 0}, Map.of())));
        store.deleteDocument(index, Fixtures.TENANT, "d2");
        assertThat(store.search(
                        index, new VectorStore.Query(Fixtures.OTHER_TENANT, new float[] {0, 0, 1, 0}, 5, Map.of())))
                .extracting(RetrievedChunk::id)
                .containsExactly("c");
        assertThat(store.search(index, query(1, 0, 0, 0)))
                .extracting(RetrievedChunk::id)
                .containsExactly("a");
    }

    @Test
    void aFailedUpsertRollsBackWholeAndTheIndexStaysWritable() {
        seed(store);
        List<Chunk> halfBad = List.of(
                new Chunk("c", Fixtures.TENANT, "d3", "gamma", new float[] {0, 0, 1, 0}, Map.of()),
                new Chunk(
                        "d",
                        Fixtures.TENANT,
                        "d4",
                        "delta",
                        new float[] {0, 0, 0, 1},
                        Map.of("big", "x".repeat(40_000))));
        assertThatThrownBy(() -> store.upsert(index, halfBad))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("big");
        // Nothing of the refused request is searchable, and the next one goes through.
        assertThat(store.search(index, query(0, 0, 1, 0)))
                .extracting(RetrievedChunk::id)
                .containsExactly("a", "b");
        store.upsert(index, List.of(new Chunk("e", Fixtures.TENANT, "d5", "eps", new float[] {0, 0, 1, 0}, Map.of())));
        assertThat(store.search(index, query(0, 0, 1, 0)).getFirst().id()).isEqualTo("e");
    }

    @Test
    void aWriterThatCatchesUpBeforeWritingKeepsTheOtherWritersDocuments(@TempDir Path other) {
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        seed(store);
        lucene.snapshot(index, blobs);
        try (LuceneVectorStore second = new LuceneVectorStore(new LuceneVectorStore.Settings(other))) {
            // The second instance starts from the published copy, adds a document and publishes.
            assertThat(second.catchUp(index, blobs)).isTrue();
            assertThat(second.catchUp(index, blobs)).isFalse();
            second.upsert(
                    index, List.of(new Chunk("c", Fixtures.TENANT, "d3", "gamma", new float[] {0, 0, 1, 0}, Map.of())));
            second.snapshot(index, blobs);
        }
        // The first instance's copy is stale now: catching up before its next write keeps "c".
        assertThat(lucene.catchUp(index, blobs)).isTrue();
        store.upsert(
                index, List.of(new Chunk("d", Fixtures.TENANT, "d4", "delta", new float[] {0, 0, 0, 1}, Map.of())));
        lucene.snapshot(index, blobs);
        assertThat(lucene.catchUp(index, blobs)).isFalse();
        try (LuceneVectorStore reader =
                new LuceneVectorStore(new LuceneVectorStore.Settings(other.resolve("reader")))) {
            assertThat(reader.restore(index, blobs)).isTrue();
            assertThat(reader.search(index, query(1, 1, 1, 1)))
                    .extracting(RetrievedChunk::id)
                    .containsExactlyInAnyOrder("a", "b", "c", "d");
        }
    }

    @Test
    void withNothingPublishedThereIsNothingToCatchUpOn() {
        seed(store);
        assertThat(lucene.catchUp(index, new InMemoryBlobStore())).isFalse();
        assertThat(store.search(index, query(1, 0, 0, 0))).hasSize(2);
    }
}
