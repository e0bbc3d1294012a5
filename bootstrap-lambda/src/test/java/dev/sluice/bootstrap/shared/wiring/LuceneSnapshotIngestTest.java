package dev.sluice.bootstrap.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.usecase.IngestDocuments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two ingestor instances that take turns never publish a snapshot that drops the other's documents. */
class LuceneSnapshotIngestTest {
    private static final IndexSpec DOCS = new IndexSpec("docs", 4, 400, 40);
    private final InMemoryBlobStore bucket = new InMemoryBlobStore();

    /** Stands in for the domain service: one chunk per document, straight into the store. */
    private static IngestDocuments writer(VectorStore store) {
        return new IngestDocuments() {
            @Override
            public void enqueue(IngestRequest request) {}

            @Override
            public Report ingest(IngestRequest request) {
                store.ensureIndex(DOCS);
                for (Document d : request.documents()) {
                    store.upsert(
                            DOCS.name(),
                            List.of(new Chunk(
                                    d.id(), request.tenant(), d.id(), d.text(), new float[] {1, 1, 1, 1}, Map.of())));
                }
                return new Report(
                        request.documents().size(), request.documents().size(), 0, 0);
            }
        };
    }

    private static IngestRequest request(String documentId) {
        return new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("c"),
                DOCS.name(),
                List.of(new Document(documentId, "text/plain", "text of " + documentId, Map.of())),
                List.of());
    }

    private LuceneSnapshotIngest instance(LuceneVectorStore store) {
        return new LuceneSnapshotIngest(writer(store), () -> store, bucket);
    }

    private List<String> published(Path dir) {
        try (LuceneVectorStore reader = new LuceneVectorStore(new LuceneVectorStore.Settings(dir))) {
            assertThat(reader.restore(DOCS.name(), bucket)).isTrue();
            return reader
                    .search(DOCS.name(), new VectorStore.Query(Fixtures.TENANT, new float[] {1, 1, 1, 1}, 10, Map.of()))
                    .stream()
                    .map(RetrievedChunk::id)
                    .toList();
        }
    }

    @Test
    void eachInstanceCatchesUpBeforeWritingSoTheLastSnapshotHoldsEveryonesDocuments(@TempDir Path tmp) {
        try (LuceneVectorStore a = new LuceneVectorStore(new LuceneVectorStore.Settings(tmp.resolve("a")));
                LuceneVectorStore b = new LuceneVectorStore(new LuceneVectorStore.Settings(tmp.resolve("b")))) {
            LuceneSnapshotIngest first = instance(a);
            LuceneSnapshotIngest second = instance(b);

            first.ingest(request("one"));
            second.ingest(request("two"));
            first.ingest(request("three"));
            assertThat(published(tmp.resolve("after-three"))).containsExactlyInAnyOrder("one", "two", "three");

            second.ingest(request("four"));
            assertThat(published(tmp.resolve("after-four"))).containsExactlyInAnyOrder("one", "two", "three", "four");
        }
    }

    @Test
    void anotherStorePassesStraightThroughAndPublishesNothing() {
        InMemoryVectorStore store = new InMemoryVectorStore();
        LuceneSnapshotIngest.forStore(
                        "opensearch",
                        writer(store),
                        () -> {
                            throw new AssertionError("no Lucene store is opened for another store");
                        },
                        bucket)
                .ingest(request("one"));
        assertThat(store.size(DOCS.name())).isEqualTo(1);
        assertThat(bucket.get(LuceneVectorStore.snapshotKey(DOCS.name()))).isEmpty();
    }
}
