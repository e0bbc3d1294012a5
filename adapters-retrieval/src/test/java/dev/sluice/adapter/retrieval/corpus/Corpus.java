package dev.sluice.adapter.retrieval.corpus;

import dev.sluice.adapter.retrieval.embedding.MiniLmEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The committed test corpus (short passages on well-known topics) and questions whose answer is one passage. */
public final class Corpus {
    private static MiniLmEmbedder embedder;

    private Corpus() {}

    public record Passage(String id, String text) {}

    public record Question(String expectedPassage, String text) {}

    /** One MiniLM model per test JVM: loading it costs a second or two. */
    public static synchronized MiniLmEmbedder embedder() {
        if (embedder == null) {
            embedder = new MiniLmEmbedder();
        }
        return embedder;
    }

    public static List<Passage> passages() {
        return lines("/corpus/passages.tsv").stream()
                .map(l -> l.split("\t", 2))
                .map(p -> new Passage(p[0], p[1]))
                .toList();
    }

    public static List<Question> questions() {
        return lines("/corpus/questions.tsv").stream()
                .map(l -> l.split("\t", 2))
                .map(p -> new Question(p[0], p[1]))
                .toList();
    }

    private static List<String> lines(String resource) {
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
