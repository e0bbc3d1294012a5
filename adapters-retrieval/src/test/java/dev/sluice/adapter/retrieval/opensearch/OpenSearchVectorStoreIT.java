package dev.sluice.adapter.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.VectorStoreContract;
import dev.sluice.emulators.opensearch.SharedOpenSearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchVectorStoreIT extends VectorStoreContract {
    @Override
    protected VectorStore store() {
        return OpenSearchNodeExtension.store();
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(SharedOpenSearchNode.get().endpoint() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void theIndexIsAKnnIndexOnTheLuceneEngineWithKeywordMetadata() throws Exception {
        store.upsert(
                index,
                List.of(new Chunk("a", Fixtures.TENANT, "d1", "t", new float[] {1, 0, 0, 0}, Map.of("lang", "en"))));
        String mapping = get("/" + index + "/_mapping");
        assertThat(mapping)
                .contains("\"knn_vector\"", "\"dimension\":4", "\"engine\":\"lucene\"", "\"cosinesimil\"")
                .contains("\"lang\":{\"type\":\"keyword\"}");
        assertThat(get("/" + index + "/_settings")).contains("\"knn\":\"true\"");
    }

    @Test
    void manyChunksGoInBulkAndTopKHoldsAfterFiltering() {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            float angle = i / 1200f;
            chunks.add(new Chunk(
                    "c" + i,
                    Fixtures.TENANT,
                    "doc" + (i % 10),
                    "chunk " + i,
                    new float[] {1 - angle, angle, 0, 0},
                    Map.of("parity", i % 2 == 0 ? "even" : "odd")));
        }
        store.upsert(index, chunks);
        List<RetrievedChunk> hits = store.search(
                index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 5, Map.of("parity", "odd")));
        assertThat(hits).hasSize(5).allSatisfy(h -> assertThat(h.metadata()).containsEntry("parity", "odd"));
        assertThat(hits.getFirst().id()).isEqualTo("c1");
    }

    @Test
    void writingToAnIndexThatDoesNotExistIsAPermanentError() {
        assertThatThrownBy(() -> store.upsert(
                        "no-such-index",
                        List.of(new Chunk("a", Fixtures.TENANT, "d1", "alpha", new float[] {1, 0, 0, 0}, Map.of()))))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("no-such-index");
    }

    @Test
    void anUnreachableClusterIsATransientError() {
        try (OpenSearchVectorStore down =
                new OpenSearchVectorStore(OpenSearchSettings.plain(URI.create("http://127.0.0.1:1")))) {
            assertThatThrownBy(() -> down.ensureIndex(new IndexSpec("x", 4, 400, 40)))
                    .isInstanceOf(TransientException.class);
        }
    }
}
