package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.engine.SemanticAnswers;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryCompletionCache;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VectorStore} must do, on hand-made 4-dimensional vectors whose order by cosine similarity is
 * known. Each test uses a fresh index name. Searching an index that was never created, or never written, finds
 * nothing; a write the store refuses is a {@link PermanentException} that leaves the index as it was.
 */
public abstract class VectorStoreContract {
    protected VectorStore store;
    protected String index;

    protected abstract VectorStore store();

    @BeforeEach
    void createIndex() {
        store = store();
        index = "contract-" + Long.toHexString(System.nanoTime());
        store.ensureIndex(new IndexSpec(index, 4, 400, 40));
        store.ensureIndex(new IndexSpec(index, 4, 400, 40));
    }

    private static Chunk chunk(TenantId tenant, String doc, String id, float[] v, Map<String, String> meta) {
        return new Chunk(id, tenant, doc, "text of " + id, v, meta);
    }

    private void seed() {
        store.upsert(
                index,
                List.of(
                        chunk(Fixtures.TENANT, "d1", "a", new float[] {1, 0, 0, 0}, Map.of("lang", "en")),
                        chunk(Fixtures.TENANT, "d1", "b", new float[] {0.9f, 0.1f, 0, 0}, Map.of("lang", "de")),
                        chunk(Fixtures.TENANT, "d2", "c", new float[] {0.5f, 0.5f, 0, 0}, Map.of("lang", "en")),
                        chunk(Fixtures.TENANT, "d3", "d", new float[] {0, 0, 1, 0}, Map.of("lang", "en")),
                        chunk(Fixtures.OTHER_TENANT, "d9", "z", new float[] {1, 0, 0, 0}, Map.of("lang", "en"))));
    }

    private List<String> ids(List<RetrievedChunk> chunks) {
        return chunks.stream().map(RetrievedChunk::id).toList();
    }

    @Test
    void topKComesOrderedByDescendingScore() {
        seed();
        List<RetrievedChunk> hits =
                store.search(index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 3, Map.of()));
        assertThat(ids(hits)).containsExactly("a", "b", "c");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(1).score()).isGreaterThan(hits.get(2).score());
        assertThat(hits.getFirst().text()).isEqualTo("text of a");
        assertThat(hits.getFirst().documentId()).isEqualTo("d1");
    }

    @Test
    void aTenantNeverSeesAnotherTenantsChunks() {
        seed();
        List<RetrievedChunk> other = store.search(
                index, new VectorStore.Query(Fixtures.OTHER_TENANT, new float[] {1, 0, 0, 0}, 10, Map.of()));
        assertThat(ids(other)).containsExactly("z");
    }

    @Test
    void metadataFiltersHold() {
        seed();
        List<RetrievedChunk> hits = store.search(
                index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 10, Map.of("lang", "en")));
        assertThat(ids(hits)).containsExactly("a", "c", "d");
        assertThat(hits).allSatisfy(h -> assertThat(h.metadata()).containsEntry("lang", "en"));
    }

    @Test
    void upsertIsIdempotentAndReplacesById() {
        seed();
        seed();
        store.upsert(index, List.of(chunk(Fixtures.TENANT, "d3", "d", new float[] {1, 0, 0, 0}, Map.of("lang", "en"))));
        List<RetrievedChunk> hits =
                store.search(index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 10, Map.of()));
        assertThat(hits).hasSize(4);
        assertThat(ids(hits).subList(0, 2)).containsExactlyInAnyOrder("a", "d");
    }

    @Test
    void deleteRemovesEveryChunkOfTheDocumentForThatTenantOnly() {
        seed();
        store.deleteDocument(index, Fixtures.TENANT, "d1");
        store.deleteDocument(index, Fixtures.TENANT, "d9");
        assertThat(ids(store.search(
                        index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 10, Map.of()))))
                .containsExactlyInAnyOrder("c", "d");
        assertThat(ids(store.search(
                        index, new VectorStore.Query(Fixtures.OTHER_TENANT, new float[] {1, 0, 0, 0}, 10, Map.of()))))
                .containsExactly("z");
    }

    @Test
    void aVectorOfTheWrongDimensionIsAClearError() {
        assertThatThrownBy(() -> store.upsert(
                        index, List.of(chunk(Fixtures.TENANT, "d1", "bad", new float[] {1, 0, 0}, Map.of()))))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("3")
                .hasMessageContaining("4");
        assertThatThrownBy(() -> store.search(
                        index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0, 0}, 3, Map.of())))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("5")
                .hasMessageContaining("4");
    }

    @Test
    void anIndexNeverCreatedFindsNothing() {
        // A pipeline may retrieve from a configured index before anything was ingested into it: no chunks, no error.
        String never = "never-" + Long.toHexString(System.nanoTime());
        assertThat(store.search(never, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 5, Map.of())))
                .isEmpty();
    }

    @Test
    void aWriteTheStoreRefusesFailsAloneAndTheNextWriteOfAnotherTenantLands() {
        seed();
        String huge = "a".repeat(70_000);
        // Either the store takes such ids or it refuses them as permanent; what it must never do is carry the
        // refusal over to the writes after it.
        try {
            store.deleteDocument(index, Fixtures.TENANT, huge);
        } catch (PermanentException refused) {
            assertThat(refused).hasMessageContaining(index);
        }
        try {
            store.upsert(index, List.of(chunk(Fixtures.TENANT, huge, "huge", new float[] {0, 1, 0, 0}, Map.of())));
        } catch (PermanentException refused) {
            assertThat(refused).hasMessageContaining(index);
        }
        store.upsert(
                index,
                List.of(chunk(Fixtures.OTHER_TENANT, "d8", "clean", new float[] {0, 0, 0, 1}, Map.of("lang", "en"))));
        assertThat(ids(store.search(
                        index, new VectorStore.Query(Fixtures.OTHER_TENANT, new float[] {0, 0, 0, 1}, 10, Map.of()))))
                .containsExactly("clean", "z");
        assertThat(ids(store.search(
                        index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 3, Map.of()))))
                .containsExactly("a", "b", "c");
    }

    @Test
    void anEmptyIndexFindsNothing() {
        assertThat(store.search(index, new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0, 0, 0}, 5, Map.of())))
                .isEmpty();
    }

    /**
     * The semantic cache keeps its entries in this store: a paraphrase finds the tenant's own entry of the same frame
     * and model, and nothing of another tenant, frame or model.
     */
    @Test
    void theSemanticCacheFindsAParaphraseOnlyInItsTenantFrameAndModel() {
        MutableClock clock = MutableClock.at("2026-12-07T00:00:00Z");
        InMemoryCompletionCache cache = new InMemoryCompletionCache(clock);
        SemanticAnswers answers = new SemanticAnswers(new HashingEmbedder(4), store, cache, clock, Telemetry.NONE);
        String frame = "frame-" + index;
        cache.put(
                "answer-" + index,
                new Completion("the answer", new TokenUsage(3, 2), "m", "stop", ""),
                Duration.ofHours(1));
        JobId earlier = JobId.random();
        answers.remember(
                ask(Fixtures.TENANT, frame, "How do I reset my password?", earlier),
                "fast",
                "answer-" + index,
                Duration.ofHours(1));

        assertThat(answers.find(ask(Fixtures.TENANT, frame, "How can I reset my password?", JobId.random()), "fast"))
                .hasValueSatisfying(found -> {
                    assertThat(found.completion().text()).isEqualTo("the answer");
                    assertThat(found.hit().fromJob()).isEqualTo(earlier);
                });
        assertThat(answers.find(
                        ask(Fixtures.OTHER_TENANT, frame, "How can I reset my password?", JobId.random()), "fast"))
                .isEmpty();
        assertThat(answers.find(
                        ask(Fixtures.TENANT, frame + "-other", "How can I reset my password?", JobId.random()), "fast"))
                .isEmpty();
        assertThat(answers.find(ask(Fixtures.TENANT, frame, "How can I reset my password?", JobId.random()), "steady"))
                .isEmpty();
    }

    private static SemanticAnswers.Ask ask(TenantId tenant, String frame, String question, JobId job) {
        // A low threshold: what is tested is the store's scoping, not how alike four hashed buckets make two texts.
        return new SemanticAnswers.Ask(
                tenant, frame, "question: " + question, new SemanticCaching(0.3, Optional.empty()), job);
    }
}
