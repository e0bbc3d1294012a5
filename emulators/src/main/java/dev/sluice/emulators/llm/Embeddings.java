package dev.sluice.emulators.llm;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic embeddings: each word is hashed to a signed dimension, so texts that share words point the same
 * way and a local demo's retrieval finds what it should.
 */
final class Embeddings {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private Embeddings() {}

    static float[] embed(String text, int dimensions) {
        float[] v = new float[dimensions];
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            int h = mix(m.group().hashCode());
            v[Math.floorMod(h, dimensions)] += (h & 0x40000000) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            v[0] = 1f;
            return v;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
