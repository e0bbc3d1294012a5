package dev.sluice.domain.service;

import dev.sluice.domain.model.Guardrails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Applies a pipeline's guardrails to an answer: redaction, length, and the shape of structured output. */
final class Guardrail {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
    private static final Pattern PHONE =
            Pattern.compile("(?<![\\w-])\\+?\\d{1,3}?[ .-]?\\(?\\d{2,4}\\)?[ .-]?\\d{3,4}[ .-]?\\d{3,4}(?![\\w-])");
    static final String TRUNCATION_MARK = " [truncated]";

    private Guardrail() {}

    /** What the guardrails made of an answer. */
    sealed interface Verdict {
        record Passed(String text, List<String> applied) implements Verdict {}

        record Rejected(String reason) implements Verdict {}
    }

    /**
     * Redaction first, validation last: a structured answer is redacted inside its string values (never across its
     * syntax, so it stays valid JSON), then checked for its shape and length as it will be stored.
     */
    static Verdict apply(Guardrails rules, String answer) {
        List<String> applied = new ArrayList<>();
        if (rules.format() == Guardrails.OutputFormat.JSON) {
            String json = stripCodeFence(answer);
            Object parsed;
            try {
                parsed = Json.parse(json);
            } catch (IllegalArgumentException e) {
                return new Verdict.Rejected("the model's answer is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> object)) {
                return new Verdict.Rejected("the model's answer is JSON but not an object");
            }
            Object kept = rules.redactPii() ? redactValues(object, applied) : object;
            // Written anew only when redaction changed a value; otherwise the model's own text is kept.
            String text = applied.isEmpty() ? json : Json.write(kept);
            List<String> missing = rules.requiredFields().stream()
                    .filter(f -> !object.containsKey(f))
                    .toList();
            if (!missing.isEmpty()) {
                return new Verdict.Rejected("the model's JSON answer lacks required fields " + missing);
            }
            if (rules.maxOutputChars() > 0 && text.length() > rules.maxOutputChars()) {
                return new Verdict.Rejected("the model's JSON answer is " + text.length() + " characters; the limit is "
                        + rules.maxOutputChars());
            }
            return new Verdict.Passed(text, applied.isEmpty() ? List.of() : List.of("pii-redacted"));
        }
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

    /** Strings redacted where they stand; a number that is a card number becomes the string {@code [card]}. */
    private static Object redactValues(Object value, List<String> applied) {
        switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), redactValues(v, applied)));
                return out;
            }
            case List<?> l -> {
                return l.stream().map(v -> redactValues(v, applied)).toList();
            }
            case String text -> {
                String redacted = redact(text);
                if (!redacted.equals(text)) {
                    applied.add("pii-redacted");
                }
                return redacted;
            }
            case java.math.BigDecimal n -> {
                String digits = n.toPlainString();
                if (digits.matches("\\d{13,19}") && luhn(digits)) {
                    applied.add("pii-redacted");
                    return "[card]";
                }
                return n;
            }
            default -> {
                return value;
            }
        }
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
