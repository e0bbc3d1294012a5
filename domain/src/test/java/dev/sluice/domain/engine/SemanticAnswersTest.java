package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryCompletionCache;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The semantic cache on its own: a store or embedder that fails is a counted miss; an answer gone from the cache is too. */
class SemanticAnswersTest {
    private static final TenantId TENANT = new TenantId("acme");
    private final MutableClock clock = MutableClock.at("2026-12-07T00:00:00Z");
    private final InMemoryCompletionCache cache = new InMemoryCompletionCache(clock);
    private final List<String> failures = new ArrayList<>();
    private final Telemetry telemetry = new Telemetry() {
        @Override
        public void semanticCacheFailed(String what, RuntimeException e) {
            failures.add(what + ": " + e.getMessage());
        }
    };

    private static SemanticAnswers.Ask ask(String question) {
        return new SemanticAnswers.Ask(
                TENANT, "frame", "question: " + question, SemanticCaching.DEFAULT, new JobId("job_asking"));
    }

    @Test
    void aStoreThatFailsIsAMissAndIsCounted() {
        VectorStore down = new VectorStore() {
            @Override
            public void ensureIndex(IndexSpec index) {}

            @Override
            public List<RetrievedChunk> search(String index, Query query) {
                throw new TransientException("store down", null);
            }

            @Override
            public void upsert(String index, List<Chunk> chunks) {
                throw new TransientException("store down", null);
            }

            @Override
            public void deleteDocument(String index, TenantId tenant, String documentId) {}
        };
        SemanticAnswers answers = new SemanticAnswers(new HashingEmbedder(64), down, cache, clock, telemetry);

        answers.remember(ask("How do I reset my password?"), "fast", "key", Duration.ofHours(1));
        assertThat(answers.find(ask("How can I reset my password?"), "fast")).isEmpty();
        assertThat(failures).containsExactly("write: store down", "lookup: store down");
    }

    @Test
    void anEmbedderThatFailsIsAMissAndIsCounted() {
        Embedder broken = new Embedder() {
            @Override
            public List<float[]> embed(List<String> texts) {
                throw new IllegalStateException("no model");
            }

            @Override
            public int dimension() {
                return 64;
            }
        };
        SemanticAnswers answers = new SemanticAnswers(broken, new InMemoryVectorStore(), cache, clock, telemetry);

        assertThat(answers.find(ask("How can I reset my password?"), "fast")).isEmpty();
        assertThat(failures).containsExactly("lookup: no model");
    }

    @Test
    void anEntryWhoseAnswerLeftTheExactCacheAnswersNothing() {
        InMemoryVectorStore store = new InMemoryVectorStore();
        SemanticAnswers answers = new SemanticAnswers(new HashingEmbedder(64), store, cache, clock, telemetry);
        cache.put("key", new Completion("the answer", new TokenUsage(1, 1), "m", "stop", ""), Duration.ofMinutes(5));
        answers.remember(ask("How do I reset my password?"), "fast", "key", Duration.ofHours(1));
        assertThat(answers.find(ask("How can I reset my password?"), "fast")).isPresent();

        clock.advance(Duration.ofMinutes(6));

        assertThat(answers.find(ask("How can I reset my password?"), "fast")).isEmpty();
        assertThat(answers.find(ask("How can I reset my password?"), "another-model"))
                .isEmpty();
        assertThat(failures).isEmpty();
        assertThat(store.size(SemanticAnswers.INDEX)).as("kept in the store").isEqualTo(1);
    }
}
