package dev.sluice.domain.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Which characters sluice accepts in text it will carry: exactly what SQS accepts in a message ({@code #x9 #xA #xD
 * #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF}, the XML 1.0 set). Control characters other than tab and line breaks,
 * unpaired surrogates and U+FFFE/U+FFFF are refused at the door, because a queue, an embedder or a log line
 * downstream would refuse or mangle them after the job was recorded.
 */
public final class WireText {
    private WireText() {}

    /** Why {@code value} cannot be carried, naming the first offending character and its position; empty if it can. */
    public static Optional<String> problem(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (Character.isSurrogate((char) cp)) {
                return Optional.of(
                        "contains an unpaired surrogate " + hex(cp) + " at index " + i + " (not valid Unicode text)");
            }
            if (!allowed(cp)) {
                return Optional.of("contains the character " + hex(cp) + " at index " + i
                        + " (control characters other than tab, CR and LF, and U+FFFE/U+FFFF, are not accepted)");
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /** Whether one code point is in the accepted set. */
    public static boolean allowed(int cp) {
        return cp == 0x9
                || cp == 0xA
                || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    private static String hex(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }
}
