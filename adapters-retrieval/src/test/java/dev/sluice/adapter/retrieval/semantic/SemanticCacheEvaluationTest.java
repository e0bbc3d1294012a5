package dev.sluice.adapter.retrieval.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.retrieval.embedding.MiniLmEmbedder;
import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.domain.engine.SemanticAnswers;
import dev.sluice.domain.fake.InMemoryCompletionCache;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic cache's evaluation, committed with it: the paraphrase set ({@code semantic-cache/paraphrases.tsv}:
 * pairs that should be answered from each other, and near misses that must not be) through the real cache
 * ({@link SemanticAnswers}), the bundled embedder (MiniLM) and the embedded vector store (Lucene), each pair in a
 * tenant of its own. It prints precision and hit rate at the default threshold, and at others for comparison.
 */
class SemanticCacheEvaluationTest {
    record Pair(boolean shouldHit, String earlier, String later) {}

    record Score(double threshold, int hits, int shouldHit, int falseHits, int nearMisses) {
        double hitRate() {
            return (double) hits / shouldHit;
        }

        double precision() {
            return hits + falseHits == 0 ? 1.0 : (double) hits / (hits + falseHits);
        }
    }

    @TempDir
    Path dir;

    @Test
    void noNearMissIsAnsweredAtTheDefaultThresholdAndMostParaphrasesAre() throws IOException {
        List<Pair> pairs = pairs();
        MiniLmEmbedder embedder = new MiniLmEmbedder();
        List<Score> scores = new ArrayList<>();
        for (double threshold : new double[] {0.70, 0.75, 0.80, SemanticCaching.DEFAULT_THRESHOLD, 0.90, 0.95}) {
            try (LuceneVectorStore store = new LuceneVectorStore(
                    new LuceneVectorStore.Settings(dir.resolve("t" + Math.round(threshold * 100))))) {
                scores.add(score(pairs, new SemanticCaching(threshold, Optional.empty()), embedder, store));
            }
        }

        System.out.println("semantic cache evaluation (" + pairs.size() + " pairs, MiniLM, Lucene):");
        for (Score s : scores) {
            System.out.printf(
                    Locale.ROOT,
                    "  threshold %.2f%s: hit rate %d/%d = %.1f%%, false hits on near misses %d/%d, precision %.1f%%%n",
                    s.threshold(),
                    s.threshold() == SemanticCaching.DEFAULT_THRESHOLD ? " (default)" : "",
                    s.hits(),
                    s.shouldHit(),
                    100 * s.hitRate(),
                    s.falseHits(),
                    s.nearMisses(),
                    100 * s.precision());
        }
        // What the words add: similarity alone, at the default threshold, over the same inputs.
        int alone = 0;
        int aloneFalse = 0;
        for (Pair p : pairs) {
            List<float[]> v = embedder.embed(List.of("question: " + p.earlier(), "question: " + p.later()));
            if (cosine(v.get(0), v.get(1)) >= SemanticCaching.DEFAULT_THRESHOLD) {
                if (p.shouldHit()) {
                    alone++;
                } else {
                    aloneFalse++;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  similarity alone at %.2f (no guard): hit rate %d/40, false hits on near misses %d/40%n",
                SemanticCaching.DEFAULT_THRESHOLD,
                alone,
                aloneFalse);
        Score chosen = scores.stream()
                .filter(s -> s.threshold() == SemanticCaching.DEFAULT_THRESHOLD)
                .findFirst()
                .orElseThrow();
        assertThat(chosen.nearMisses()).isGreaterThanOrEqualTo(40);
        assertThat(chosen.falseHits())
                .as("near misses answered at the default threshold")
                .isZero();
        assertThat(chosen.hitRate())
                .as("paraphrases answered at the default threshold")
                .isGreaterThanOrEqualTo(0.6);
    }

    private static Score score(
            List<Pair> pairs, SemanticCaching caching, MiniLmEmbedder embedder, LuceneVectorStore store) {
        InMemoryCompletionCache cache = new InMemoryCompletionCache(Clock.systemUTC());
        SemanticAnswers answers = new SemanticAnswers(embedder, store, cache, Clock.systemUTC(), Telemetry.NONE);
        int hits = 0;
        int shouldHit = 0;
        int falseHits = 0;
        int nearMisses = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            TenantId tenant = new TenantId("pair-" + i);
            String key = "exact-" + i;
            cache.put(key, new Completion("answer " + i, new TokenUsage(10, 5), "m", "stop", ""), Duration.ofHours(1));
            JobId earlier = JobId.random();
            answers.remember(ask(tenant, p.earlier(), caching, earlier), "fast", key, Duration.ofHours(1));
            boolean hit = answers.find(ask(tenant, p.later(), caching, JobId.random()), "fast")
                    .filter(f -> f.hit().fromJob().equals(earlier))
                    .isPresent();
            if (p.shouldHit()) {
                shouldHit++;
                hits += hit ? 1 : 0;
            } else {
                nearMisses++;
                falseHits += hit ? 1 : 0;
            }
        }
        return new Score(caching.threshold(), hits, shouldHit, falseHits, nearMisses);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** The inputs as the engine compares them: each input the prompt uses, after its name. */
    private static SemanticAnswers.Ask ask(TenantId tenant, String question, SemanticCaching caching, JobId job) {
        return new SemanticAnswers.Ask(tenant, "frame", "question: " + question, caching, job);
    }

    private static List<Pair> pairs() throws IOException {
        try (InputStream in =
                SemanticCacheEvaluationTest.class.getResourceAsStream("/semantic-cache/paraphrases.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("\t"))
                    .map(f -> new Pair(f[0].equals("hit"), f[1], f[2]))
                    .toList();
        }
    }
}
