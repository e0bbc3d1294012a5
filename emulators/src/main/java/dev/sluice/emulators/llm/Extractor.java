package dev.sluice.emulators.llm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a retrieval-augmented prompt from its own context: the sentences of the numbered {@code [n] ...} blocks
 * that share the most words with the question, in the order they appear, each cited by its block number.
 */
public final class Extractor {
    static final String NO_CONTEXT = "I have no context to answer from.";
    static final String NOT_FOUND = "The context does not say.";

    private static final Pattern BLOCK = Pattern.compile("^\\s*\\[(\\d+)]\\s?(.*)$");
    private static final Pattern QUESTION = Pattern.compile("(?im)^\\s*(?:question|q)\\s*:\\s*(.+)$");
    private static final Pattern LABEL = Pattern.compile("^\\s*[A-Za-z][A-Za-z ]{0,30}:(\\s.*)?$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\s*\\R\\s*");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of(
            "the",
            "and",
            "for",
            "are",
            "was",
            "were",
            "what",
            "which",
            "who",
            "whom",
            "how",
            "why",
            "when",
            "where",
            "does",
            "did",
            "has",
            "have",
            "had",
            "this",
            "that",
            "these",
            "those",
            "with",
            "from",
            "into",
            "about",
            "its",
            "it's",
            "not",
            "but",
            "can",
            "you",
            "your",
            "our",
            "their",
            "there",
            "them",
            "they",
            "answer",
            "only",
            "context",
            "question",
            "please",
            "tell",
            "say",
            "said",
            "any",
            "all",
            "use");

    private final int maxSentences;

    public Extractor(int maxSentences) {
        if (maxSentences < 1) {
            throw new IllegalArgumentException("'maxSentences' must be at least 1");
        }
        this.maxSentences = maxSentences;
    }

    /** The answer to {@code prompt}: the best sentences with their citations, or a plain "not found". */
    public String answer(String prompt) {
        List<Block> blocks = blocks(prompt);
        if (blocks.isEmpty()) {
            return NO_CONTEXT;
        }
        Set<String> wanted = words(question(prompt));
        List<Scored> scored = new ArrayList<>();
        int position = 0;
        for (Block block : blocks) {
            for (String sentence : SENTENCE_END.split(block.text().strip())) {
                if (sentence.isBlank() || sentence.strip().startsWith("#")) {
                    // A Markdown heading names a topic; it does not answer anything.
                    position++;
                    continue;
                }
                int overlap = 0;
                for (String w : words(sentence)) {
                    if (wanted.contains(w)) {
                        overlap++;
                    }
                }
                if (overlap > 0) {
                    scored.add(new Scored(sentence.strip(), block.number(), overlap, position));
                }
                position++;
            }
        }
        if (scored.isEmpty()) {
            return NOT_FOUND;
        }
        List<Scored> best = scored.stream()
                .sorted(Comparator.comparingInt(Scored::overlap).reversed().thenComparingInt(Scored::position))
                .limit(maxSentences)
                .sorted(Comparator.comparingInt(Scored::position))
                .toList();
        StringBuilder answer = new StringBuilder();
        for (Scored s : best) {
            if (!answer.isEmpty()) {
                answer.append(' ');
            }
            answer.append(s.sentence()).append(" [").append(s.block()).append(']');
        }
        return answer.toString();
    }

    /** The numbered blocks; a block runs until the next block, a blank line followed by other text, or the end. */
    static List<Block> blocks(String prompt) {
        List<Block> blocks = new ArrayList<>();
        Integer number = null;
        StringBuilder text = new StringBuilder();
        boolean blank = false;
        for (String line : prompt.split("\\R", -1)) {
            Matcher m = BLOCK.matcher(line);
            if (m.matches()) {
                flush(blocks, number, text);
                number = Integer.parseInt(m.group(1));
                text.setLength(0);
                text.append(m.group(2));
                blank = false;
            } else if (number != null) {
                if (line.isBlank()) {
                    blank = true;
                } else if (blank
                        && (LABEL.matcher(line).matches() || line.strip().endsWith("?"))) {
                    // "Question: ..." (or a bare question) after the context ends it; a chunk's later paragraphs do
                    // not.
                    flush(blocks, number, text);
                    number = null;
                } else {
                    // A wrapped line continues its sentence; a new paragraph or a heading starts afresh.
                    text.append(blank || line.strip().startsWith("#") ? '\n' : ' ')
                            .append(line.strip());
                    blank = false;
                }
            }
        }
        flush(blocks, number, text);
        return blocks;
    }

    private static void flush(List<Block> blocks, Integer number, StringBuilder text) {
        if (number != null && !text.toString().isBlank()) {
            blocks.add(new Block(number, text.toString().strip()));
        }
    }

    /** The line after {@code Question:}, else the last line that is not part of a context block. */
    static String question(String prompt) {
        Matcher m = QUESTION.matcher(prompt);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        if (found != null) {
            return found;
        }
        String[] lines = prompt.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank() && !BLOCK.matcher(lines[i]).matches()) {
                return lines[i];
            }
        }
        return "";
    }

    static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (w.length() > 2 && !STOP.contains(w)) {
                words.add(stem(w));
            }
        }
        return words;
    }

    /** Plural and simple verb endings only: enough for "limits" to meet "limit" and "deferred" to meet "defer". */
    private static String stem(String w) {
        for (String ending : new String[] {"ing", "ed"}) {
            if (w.length() > ending.length() + 3 && w.endsWith(ending)) {
                String base = w.substring(0, w.length() - ending.length());
                int n = base.length();
                return n > 3 && base.charAt(n - 1) == base.charAt(n - 2) ? base.substring(0, n - 1) : base;
            }
        }
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    record Block(int number, String text) {}

    private record Scored(String sentence, int block, int overlap, int position) {}
}
