package dev.sluice.domain.fake;

import dev.sluice.domain.port.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic bag-of-words embedder: each lower-cased word is hashed into one of {@code dimension} buckets
 * and the vector normalised. Texts sharing words are close, which is enough to test retrieval plumbing.
 */
public final class HashingEmbedder implements Embedder {
    private final int dimension;
    private int calls;

    public HashingEmbedder(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public synchronized List<float[]> embed(List<String> texts) {
        calls++;
        List<float[]> out = new ArrayList<>();
        for (String text : texts) {
            float[] v = new float[dimension];
            for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (word.length() > 2) {
                    v[Math.floorMod(word.hashCode(), dimension)] += 1f;
                }
            }
            double norm = 0;
            for (float f : v) {
                norm += f * f;
            }
            if (norm > 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] /= (float) Math.sqrt(norm);
                }
            }
            out.add(v);
        }
        return out;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    public synchronized int calls() {
        return calls;
    }
}
