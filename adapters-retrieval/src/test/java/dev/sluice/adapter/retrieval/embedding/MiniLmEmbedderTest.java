package dev.sluice.adapter.retrieval.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.retrieval.corpus.Corpus;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {
    private final MiniLmEmbedder embedder = Corpus.embedder();

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void itProduces384DimensionalVectorsOfferingItsDimension() {
        assertThat(embedder.dimension()).isEqualTo(384);
        assertThat(embedder.embed(List.of("hello world")).getFirst()).hasSize(384);
    }

    @Test
    void theSameTextAlwaysGivesTheSameVectorAcrossBatches() {
        List<String> texts =
                IntStream.range(0, 70).mapToObj(i -> "sentence number " + i).toList();
        List<float[]> all = embedder.embed(texts);
        assertThat(all).hasSize(70);
        assertThat(all.get(65))
                .containsExactly(embedder.embed(List.of("sentence number 65")).getFirst());
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        List<float[]> v = embedder.embed(List.of(
                "The cat sat on the mat.", "A kitten was sitting on the rug.", "Interest rates rose by half a point."));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.2);
    }
}
