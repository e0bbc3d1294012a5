package dev.sluice.domain.port;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a model's structured answer: one JSON object, its shape checked, its values rewritten as the guardrails ask
 * (redaction). The domain reads no JSON itself; an adapter does, with a library that bounds what it reads.
 *
 * <p>Contract: an answer is {@link Checked.Valid} when it is exactly one JSON object (RFC 8259, strictly: no comments,
 * no text after the value, no key twice in one object; a leading byte order mark may be ignored) that has every
 * required key at its top level and stays within the reader's limits (nesting depth, length). Anything else is
 * {@link Checked.Invalid} with a sentence a tenant can read, saying what is wrong and, for a syntax error, where (line
 * and column); it quotes no more of the answer than a key. No text makes this method throw.
 */
public interface StructuredOutput {
    /**
     * @param answer the model's answer, any code fence around it already removed
     * @param requiredKeys keys the object must have at its top level
     * @param values how string and number values are rewritten; {@link Values#KEEP} to leave them as they are
     */
    Checked check(String answer, List<String> requiredKeys, Values values);

    /** What becomes of an answer's values, wherever they stand (object keys are never rewritten). */
    interface Values {
        /** Every value kept as the model wrote it. */
        Values KEEP = new Values() {
            @Override
            public String string(String value) {
                return value;
            }

            @Override
            public Optional<String> integer(String digits) {
                return Optional.empty();
            }
        };

        /** The value to put in place of a string value; {@code value} itself to keep it. */
        String string(String value);

        /**
         * A string to put in place of an integer (a number with neither fraction nor exponent), or empty to keep it.
         *
         * @param digits the integer in decimal digits, with a leading {@code -} when negative
         */
        Optional<String> integer(String digits);
    }

    /** What the reader made of an answer. */
    sealed interface Checked {
        /**
         * @param text the answer to store: as given when no value was rewritten, written anew (compact) when one was
         * @param rewritten whether {@link Values} changed a value
         */
        record Valid(String text, boolean rewritten) implements Checked {
            public Valid {
                Objects.requireNonNull(text, "'text' must not be null");
            }
        }

        /** @param reason what is wrong with the answer, in a tenant's words, e.g. {@code the answer nests deeper...} */
        record Invalid(String reason) implements Checked {
            public Invalid {
                Objects.requireNonNull(reason, "'reason' must not be null");
            }
        }
    }
}
