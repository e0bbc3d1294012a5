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
    void anUnknownIndexIsAClearError() {
        assertThatThrownBy(() -> store.search("no-such-index", query(1, 0, 0, 0)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("no-such-index");
    }
}
