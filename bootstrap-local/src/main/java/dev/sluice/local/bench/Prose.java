package dev.sluice.local.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Text for the benchmarks' jobs and answers that compresses as written text does, not better: words drawn one by one
 * from the bundled documents (so as often as they occur there), in an order no one wrote. Repeating a sentence would
 * let every compressed value look far smaller than a real one; a writer's phrases repeat more than these words, so
 * text like this compresses somewhat worse than prose.
 */
final class Prose {
    private static final List<String> WORDS = words();

    private Prose() {}

    /** About {@code chars} characters (at least one word), the same for the same seed. */
    static String of(String seed, int chars) {
        SplittableRandom random = new SplittableRandom(seed.hashCode());
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(WORDS.get(random.nextInt(WORDS.size())));
        }
        return text.toString();
    }

    /** The bundled documents as one text: the written text {@link #of} is measured against. */
    static String documents() {
        StringBuilder all = new StringBuilder();
        for (String name : resource("demo/index.txt").split("\n")) {
            if (!name.isBlank()) {
                all.append(resource("demo/" + name.strip())).append('\n');
            }
        }
        return all.toString();
    }

    /** The share of its UTF-8 bytes that {@code text} keeps under gzip. */
    static double gzipShare(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (double) out.size() / bytes.length;
    }

    private static String resource(String path) {
        try (InputStream in = Prose.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> words() {
        List<String> words = new ArrayList<>();
        for (String word : documents().split("\\s+")) {
            String clean = word.replaceAll("[^\\p{L}\\p{N}'.,;:()-]", "");
            if (!clean.isEmpty()) {
                words.add(clean);
            }
        }
        return List.copyOf(words);
    }
}
