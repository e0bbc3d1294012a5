package dev.sluice.domain.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts text into chunks of about {@code size} characters that end at paragraph or sentence boundaries where
 * possible, each starting with up to {@code overlap} characters of whole sentences from the end of the previous one.
 */
final class Chunker {
    private static final Pattern PARAGRAPH = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+(?=\\S)");

    private final int size;
    private final int overlap;

    Chunker(int size, int overlap) {
        this.size = size;
        this.overlap = overlap;
    }

    /** A paragraph or a sentence; {@code opensParagraph} decides how it is joined to what precedes it. */
    private record Piece(String text, boolean opensParagraph) {}

    List<String> split(String text) {
        List<Piece> pieces = new ArrayList<>();
        for (String paragraph : PARAGRAPH.split(text.replace("\r\n", "\n"))) {
            String p = paragraph.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.length() <= size) {
                pieces.add(new Piece(p, true));
                continue;
            }
            boolean first = true;
            for (String sentence : SENTENCE.split(p)) {
                for (String part : hardSplit(sentence.strip())) {
                    pieces.add(new Piece(part, first));
                    first = false;
                }
            }
        }
        return pack(pieces);
    }

    /** A sentence longer than a chunk is cut at word boundaries. */
    private List<String> hardSplit(String sentence) {
        List<String> out = new ArrayList<>();
        String rest = sentence;
        while (rest.length() > size) {
            int cut = rest.lastIndexOf(' ', size);
            if (cut < size / 2) {
                cut = size;
            }
            out.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    private List<String> pack(List<Piece> pieces) {
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        List<String> inCurrent = new ArrayList<>();
        for (Piece next : pieces) {
            String piece = next.text();
            String joint = next.opensParagraph() ? "\n\n" : " ";
            if (!current.isEmpty() && current.length() + joint.length() + piece.length() > size) {
                chunks.add(current.toString());
                String carried = tail(inCurrent);
                current = new StringBuilder(carried);
                inCurrent = new ArrayList<>();
                if (!carried.isEmpty()) {
                    inCurrent.add(carried);
                }
                if (!current.isEmpty() && current.length() + joint.length() + piece.length() > size) {
                    current = new StringBuilder();
                    inCurrent.clear();
                }
            }
            if (!current.isEmpty()) {
                current.append(joint);
            }
            current.append(piece);
            inCurrent.add(piece);
        }
        if (!current.isEmpty()) {
            chunks.add(current.toString());
        }
        return chunks;
    }

    /** The last whole sentences of a chunk that fit in the overlap. */
    private String tail(List<String> pieces) {
        if (overlap == 0 || pieces.isEmpty()) {
            return "";
        }
        String last = pieces.getLast();
        List<String> sentences = List.of(SENTENCE.split(last));
        StringBuilder tail = new StringBuilder();
        for (int i = sentences.size() - 1; i >= 0; i--) {
            String s = sentences.get(i).strip();
            if (tail.length() + s.length() + 1 > overlap) {
                break;
            }
            tail.insert(0, tail.isEmpty() ? s : s + " ");
        }
        return tail.toString();
    }
}
