package dev.sluice.adapter.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.adapter.retrieval.opensearch.OpenSearchSettings;
import dev.sluice.adapter.retrieval.opensearch.OpenSearchVectorStore;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.emulators.opensearch.SharedOpenSearchNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@10 against brute force and query latency (p50/p99) of the Lucene and OpenSearch stores on 10,000 seeded,
 * clustered 384-dimensional unit vectors (shaped like sentence embeddings: topics plus noise). Not part of
 * {@code verify}; run it with:
 *
 * <pre>./mvnw -B -pl emulators,adapters-retrieval -am test -Dtest=VectorSearchBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class VectorSearchBenchmark {
    private static final int VECTORS = 10_000;
    private static final int DIMENSION = 384;
    private static final int TOPICS = 200;
    private static final int QUERIES = 500;
    private static final int WARMUP = 100;
    private static final int K = 10;
    private static final TenantId TENANT = new TenantId("bench");

    @TempDir
    Path dir;

    @Test
    void recallAndLatencyOfLuceneAndOpenSearch() {
        SplittableRandom random = new SplittableRandom(20260601L);
        float[][] topics = new float[TOPICS][];
        for (int t = 0; t < TOPICS; t++) {
            topics[t] = normalised(gaussian(random, 1f));
        }
        float[][] data = new float[VECTORS][];
        for (int i = 0; i < VECTORS; i++) {
            data[i] = normalised(add(topics[random.nextInt(TOPICS)], gaussian(random, 0.06f)));
        }
        float[][] queries = new float[QUERIES + WARMUP][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = normalised(add(topics[random.nextInt(TOPICS)], gaussian(random, 0.06f)));
        }
        List<Set<String>> truth = new ArrayList<>();
        for (int q = WARMUP; q < queries.length; q++) {
            truth.add(bruteForce(data, queries[q]));
        }
        List<Chunk> chunks = new ArrayList<>(VECTORS);
        for (int i = 0; i < VECTORS; i++) {
            chunks.add(new Chunk("v" + i, TENANT, "doc" + (i / 10), "vector " + i, data[i], Map.of()));
        }

        System.out.printf(
                "%nVector search benchmark: %d vectors x %d dims, %d queries (after %d warm-up), k=%d%n",
                VECTORS, DIMENSION, QUERIES, WARMUP, K);
        System.out.printf("%-12s %10s %10s %10s %12s%n", "store", "recall@10", "p50 ms", "p99 ms", "ingest s");
        try (LuceneVectorStore lucene = new LuceneVectorStore(new LuceneVectorStore.Settings(dir))) {
            Result r = run("lucene", lucene, chunks, queries, truth);
            assertThat(r.recall()).isGreaterThan(0.8);
        }
        try (OpenSearchVectorStore openSearch = new OpenSearchVectorStore(
                OpenSearchSettings.plain(SharedOpenSearchNode.get().endpoint()))) {
            Result r = run("opensearch", openSearch, chunks, queries, truth);
            assertThat(r.recall()).isGreaterThan(0.8);
        }
    }

    private record Result(double recall, double p50, double p99) {}

    private static Result run(
            String name, VectorStore store, List<Chunk> chunks, float[][] queries, List<Set<String>> truth) {
        String index = "bench-" + Long.toHexString(System.nanoTime());
        long t0 = System.nanoTime();
        store.ensureIndex(new IndexSpec(index, DIMENSION, 400, 40));
        for (int from = 0; from < chunks.size(); from += 1000) {
            store.upsert(index, chunks.subList(from, Math.min(chunks.size(), from + 1000)));
        }
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        for (int q = 0; q < WARMUP; q++) {
            store.search(index, new VectorStore.Query(TENANT, queries[q], K, Map.of()));
        }
        double[] millis = new double[QUERIES];
        double found = 0;
        for (int q = 0; q < QUERIES; q++) {
            long start = System.nanoTime();
            List<RetrievedChunk> hits =
                    store.search(index, new VectorStore.Query(TENANT, queries[WARMUP + q], K, Map.of()));
            millis[q] = (System.nanoTime() - start) / 1e6;
            Set<String> expected = truth.get(q);
            found += hits.stream().filter(h -> expected.contains(h.id())).count();
        }
        Arrays.sort(millis);
        Result r = new Result(
                found / (QUERIES * (double) K), millis[(int) (QUERIES * 0.50)], millis[(int) (QUERIES * 0.99)]);
        System.out.printf("%-12s %10.4f %10.2f %10.2f %12.1f%n", name, r.recall(), r.p50(), r.p99(), ingestSeconds);
        return r;
    }

    private static Set<String> bruteForce(float[][] data, float[] query) {
        Integer[] order = new Integer[data.length];
        double[] scores = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            order[i] = i;
            scores[i] = dot(data[i], query);
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        Set<String> top = new HashSet<>();
        for (int i = 0; i < K; i++) {
            top.add("v" + order[i]);
        }
        return top;
    }

    private static float[] gaussian(SplittableRandom random, float sigma) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            // Box-Muller from two uniforms: SplittableRandom has no nextGaussian on every JDK we build with.
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            v[i] = (float) (sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static float[] normalised(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
