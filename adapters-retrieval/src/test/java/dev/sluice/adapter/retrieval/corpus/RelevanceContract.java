package dev.sluice.adapter.retrieval.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.VectorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retrieval quality on real text: the corpus is embedded with MiniLM and stored; for each question the passage that
 * answers it must come back in the top 3. A store that mangles vectors, scores or filters fails this.
 */
public abstract class RelevanceContract {
    private static final TenantId TENANT = new TenantId("relevance");

    protected abstract VectorStore store();

    @Test
    void theAnsweringPassageIsInTheTopThreeForEveryQuestion() {
        VectorStore store = store();
        String index = "relevance-" + Long.toHexString(System.nanoTime());
        store.ensureIndex(new IndexSpec(index, 384, 500, 50));
        List<Corpus.Passage> passages = Corpus.passages();
        List<float[]> vectors = Corpus.embedder()
                .embed(passages.stream().map(Corpus.Passage::text).toList());
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            Corpus.Passage p = passages.get(i);
            chunks.add(new Chunk(p.id(), TENANT, p.id(), p.text(), vectors.get(i), Map.of("source", "corpus")));
        }
        store.upsert(index, chunks);

        List<String> misses = new ArrayList<>();
        for (Corpus.Question q : Corpus.questions()) {
            float[] vector = Corpus.embedder().embed(List.of(q.text())).getFirst();
            List<RetrievedChunk> top = store.search(index, new VectorStore.Query(TENANT, vector, 3, Map.of()));
            assertThat(top).hasSize(3);
            if (top.stream().noneMatch(c -> c.documentId().equals(q.expectedPassage()))) {
                misses.add(
                        q.text() + " -> " + top.stream().map(RetrievedChunk::id).toList());
            }
        }
        assertThat(misses).as("questions whose passage was not in the top 3").isEmpty();
    }

    @Test
    void theBestMatchScoresAsCosineSimilarity() {
        VectorStore store = store();
        String index = "cosine-" + Long.toHexString(System.nanoTime());
        store.ensureIndex(new IndexSpec(index, 384, 500, 50));
        Corpus.Passage p = Corpus.passages().getFirst();
        float[] v = Corpus.embedder().embed(List.of(p.text())).getFirst();
        store.upsert(index, List.of(new Chunk(p.id(), TENANT, p.id(), p.text(), v, Map.of())));
        RetrievedChunk self = store.search(index, new VectorStore.Query(TENANT, v, 1, Map.of()))
                .getFirst();
        assertThat(self.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(self.text()).isEqualTo(p.text());
    }
}
