package dev.sluice.domain.engine;

import dev.sluice.domain.model.Guardrails;
import dev.sluice.domain.port.StructuredOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies a pipeline's guardrails to an answer: redaction, length, and the shape of structured output, which the
 * {@link StructuredOutput} port reads (the domain parses no JSON).
 */
final class Guardrail {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
    private static final Pattern PHONE =
            Pattern.compile("(?<![\\w-])\\+?\\d{1,3}?[ .-]?\\(?\\d{2,4}\\)?[ .-]?\\d{3,4}[ .-]?\\d{3,4}(?![\\w-])");
    private static final Pattern CARD_DIGITS = Pattern.compile("\\d{13,19}");
    static final String TRUNCATION_MARK = " [truncated]";

    /**
     * Redaction inside a structured answer's values: strings are redacted where they stand, and an integer that is a
     * card number becomes the string {@code [card]}.
     */
    static final StructuredOutput.Values REDACTION = new StructuredOutput.Values() {
        @Override
        public String string(String value) {
            return redact(value);
        }

        @Override
        public Optional<String> integer(String digits) {
            return CARD_DIGITS.matcher(digits).matches() && luhn(digits) ? Optional.of("[card]") : Optional.empty();
        }
    };

    private final StructuredOutput structured;

    Guardrail(StructuredOutput structured) {
        this.structured = Objects.requireNonNull(structured, "'structured' must not be null");
    }

    /** What the guardrails made of an answer. */
    sealed interface Verdict {
        record Passed(String text, List<String> applied) implements Verdict {}

        record Rejected(String reason) implements Verdict {}
    }

    /**
     * Redaction first, validation last: a structured answer is redacted inside its values (never across its syntax,
     * so it stays valid JSON), its shape checked, and its length checked as it will be stored.
     */
    Verdict apply(Guardrails rules, String answer) {
        if (rules.format() == Guardrails.OutputFormat.JSON) {
            StructuredOutput.Checked checked = structured.check(
                    stripCodeFence(answer),
                    rules.requiredFields(),
                    rules.redactPii() ? REDACTION : StructuredOutput.Values.KEEP);
            return switch (checked) {
                case StructuredOutput.Checked.Invalid invalid -> new Verdict.Rejected(invalid.reason());
                case StructuredOutput.Checked.Valid valid
                when rules.maxOutputChars() > 0 && valid.text().length() > rules.maxOutputChars() ->
                    new Verdict.Rejected("the answer is " + valid.text().length() + " characters of JSON; the limit is "
                            + rules.maxOutputChars());
                case StructuredOutput.Checked.Valid valid ->
                    new Verdict.Passed(valid.text(), valid.rewritten() ? List.of("pii-redacted") : List.of());
            };
        }
        List<String> applied = new ArrayList<>();
        String text = answer;
        if (rules.redactPii()) {
            String redacted = redact(text);
            if (!redacted.equals(text)) {
                applied.add("pii-redacted");
                text = redacted;
            }
        }
        if (rules.maxOutputChars() > 0 && text.length() > rules.maxOutputChars()) {
            int cut = text.lastIndexOf(' ', rules.maxOutputChars());
            text = text.substring(0, cut > rules.maxOutputChars() / 2 ? cut : rules.maxOutputChars()) + TRUNCATION_MARK;
            applied.add("truncated");
        }
        return new Verdict.Passed(text, applied);
    }

    /** Card numbers (those that pass the Luhn check), e-mail addresses and phone numbers, replaced by their kind. */
    static String redact(String text) {
        Matcher cards = CARD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (cards.find()) {
            cards.appendReplacement(out, luhn(cards.group()) ? "[card]" : Matcher.quoteReplacement(cards.group()));
        }
        cards.appendTail(out);
        String redacted = EMAIL.matcher(out.toString()).replaceAll("[email]");
        return PHONE.matcher(redacted).replaceAll("[phone]");
    }

    private static boolean luhn(String candidate) {
        String digits = candidate.replaceAll("[^0-9]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        for (int k = 0; k < digits.length(); k++) {
            int d = digits.charAt(digits.length() - 1 - k) - '0';
            if (k % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static String stripCodeFence(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int firstNewline = t.indexOf('\n');
            int lastFence = t.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                return t.substring(firstNewline + 1, lastFence).strip();
            }
        }
        return t;
    }
}
