package dev.sluice.domain.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private final Chunker chunker = new Chunker(120, 40);

    @Test
    void shortParagraphsArePackedTogetherUpToTheSize() {
        List<String> chunks = chunker.split("First paragraph.\n\nSecond paragraph.\n\nThird.");
        assertThat(chunks).containsExactly("First paragraph.\n\nSecond paragraph.\n\nThird.");
    }

    @Test
    void longTextIsCutAtSentenceBoundariesWithOverlap() {
        String text = "Alpha is the first sentence here. Beta is the second sentence here. "
                + "Gamma is the third sentence here. Delta is the fourth sentence here. "
                + "Epsilon is the fifth sentence here.";
        List<String> chunks = chunker.split(text);
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(120));
        assertThat(chunks).allSatisfy(c -> assertThat(c).endsWith("."));
        // Each chunk after the first starts with the last sentence of the one before.
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1);
            String lastSentence = previous.substring(previous.lastIndexOf(". ", previous.length() - 2) + 2);
            assertThat(chunks.get(i)).startsWith(lastSentence);
        }
        assertThat(String.join(" ", chunks)).contains("Epsilon is the fifth sentence here.");
    }

    @Test
    void aSentenceLongerThanAChunkIsCutAtWords() {
        String text = "word ".repeat(100).strip();
        List<String> chunks = chunker.split(text);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(120));
        assertThat(chunks).allSatisfy(c -> assertThat(c).doesNotStartWith(" ").doesNotContain("wor d"));
    }
}
