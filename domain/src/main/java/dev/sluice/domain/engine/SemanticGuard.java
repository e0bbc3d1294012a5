package dev.sluice.domain.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a later input may be answered with an earlier one's answer once their embeddings are close: embeddings place
 * "the Acme X200" next to "the Acme X300", "do you ship" next to "do you not ship" and "dollars to euros" next to
 * "euros to dollars", so closeness alone would answer those from each other. The words decide instead:
 *
 * <ul>
 *   <li>every number, code, name (a capitalised word inside a sentence) and negation of one input is in the other,
 *       as often;
 *   <li>inputs of the same words must have them in the same order (otherwise the roles are swapped);
 *   <li>inputs that differ in exactly one word, one for another, are not the same question ("open" and "closed",
 *       "dogs" and "cats"): a synonym cannot be told from a contrast there, and a miss costs only a model call.
 * </ul>
 *
 * Words that only shape a question ({@code how do I} and {@code how can I}, articles, pronouns) are left out first.
 */
public final class SemanticGuard {
    private static final Set<String> FILLER = Set.of(
            "a",
            "an",
            "the",
            "do",
            "does",
            "did",
            "can",
            "could",
            "may",
            "might",
            "would",
            "is",
            "are",
            "am",
            "was",
            "were",
            "be",
            "been",
            "i",
            "me",
            "my",
            "you",
            "your",
            "we",
            "our",
            "us",
            "it",
            "its",
            "to",
            "of",
            "for",
            "please",
            "possible",
            "there",
            "this",
            "that",
            "these",
            "those",
            "s",
            "tell",
            "let",
            "know",
            "any");
    private static final Set<String> NEGATIONS =
            Set.of("not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "without", "cannot");
    private static final Map<String, String> SAME = Map.of("which", "what", "whats", "what", "summarise", "summarize");

    private SemanticGuard() {}

    /** One word as compared: its normal form, and whether it must appear in both inputs. */
    record Word(String form, boolean salient) {}

    public static boolean compatible(String earlier, String later) {
        List<Word> a = words(earlier);
        List<Word> b = words(later);
        if (!counts(salient(a)).equals(counts(salient(b)))) {
            return false;
        }
        List<String> fa = a.stream().map(Word::form).toList();
        List<String> fb = b.stream().map(Word::form).toList();
        Map<String, Integer> ca = counts(fa);
        Map<String, Integer> cb = counts(fb);
        if (ca.equals(cb)) {
            return fa.equals(fb);
        }
        int onlyA = 0;
        for (String w : ca.keySet()) {
            if (!cb.containsKey(w)) {
                onlyA++;
            }
        }
        int onlyB = 0;
        for (String w : cb.keySet()) {
            if (!ca.containsKey(w)) {
                onlyB++;
            }
        }
        return !(onlyA == 1 && onlyB == 1);
    }

    static List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        boolean sentenceStart = true;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':' || c == '"' || c == '\u201c') {
                    sentenceStart = true;
                }
                i++;
                continue;
            }
            int start = i;
            while (i < text.length()
                    && (Character.isLetterOrDigit(text.charAt(i))
                            || (text.charAt(i) == '\'' || text.charAt(i) == '\u2019')
                                    && i + 1 < text.length()
                                    && Character.isLetter(text.charAt(i + 1)))) {
                i++;
            }
            String raw = text.substring(start, i);
            // "I" is capitalised everywhere; any other capital inside a sentence marks a name or a code.
            boolean capitalised = !sentenceStart && hasUpper(raw) && !raw.equals("I") && !raw.startsWith("I'");
            sentenceStart = false;
            for (String part : split(raw)) {
                String form = normal(part);
                boolean salient = capitalised || hasDigit(form) || NEGATIONS.contains(form);
                if (!salient && (FILLER.contains(part) || FILLER.contains(form))) {
                    continue;
                }
                out.add(new Word(form, salient));
            }
        }
        return out;
    }

    /** {@code don't} is {@code do not}, {@code can't} is {@code can not}, {@code what's} is {@code what}. */
    private static List<String> split(String raw) {
        String w = raw.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        if (w.endsWith("n't")) {
            String head = w.substring(0, w.length() - 3);
            return List.of(head.equals("ca") ? "can" : head.equals("wo") ? "will" : head, "not");
        }
        int apostrophe = w.indexOf('\'');
        return List.of(apostrophe < 0 ? w : w.substring(0, apostrophe));
    }

    private static String normal(String w) {
        String form = SAME.getOrDefault(w, w);
        if (form.endsWith("ise") && form.length() > 5) {
            form = form.substring(0, form.length() - 3) + "ize";
        }
        if (form.length() > 3 && form.endsWith("s") && !form.endsWith("ss") && !hasDigit(form)) {
            form = form.substring(0, form.length() - 1);
        }
        return form;
    }

    private static List<String> salient(List<Word> words) {
        return words.stream().filter(Word::salient).map(Word::form).toList();
    }

    private static Map<String, Integer> counts(List<String> words) {
        Map<String, Integer> counts = new HashMap<>();
        words.forEach(w -> counts.merge(w, 1, Integer::sum));
        return counts;
    }

    private static boolean hasUpper(String s) {
        return s.chars().anyMatch(Character::isUpperCase);
    }

    private static boolean hasDigit(String s) {
        return s.chars().anyMatch(Character::isDigit);
    }
}
