package dev.sluice.domain.service;

import dev.sluice.domain.model.Guardrails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    static Verdict apply(Guardrails rules, String answer) {
        List<String> applied = new ArrayList<>();
        String text = answer;
        if (rules.format() == Guardrails.OutputFormat.JSON) {
            String json = stripCodeFence(text);
            Object parsed;
            try {
                parsed = Json.parse(json);
            } catch (IllegalArgumentException e) {
                return new Verdict.Rejected("the model's answer is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> object)) {
                return new Verdict.Rejected("the model's answer is JSON but not an object");
            }
            List<String> missing = rules.requiredFields().stream()
                    .filter(f -> !object.containsKey(f))
                    .toList();
            if (!missing.isEmpty()) {
                return new Verdict.Rejected("the model's JSON answer lacks required fields " + missing);
            }
            text = json;
        }
        if (rules.redactPii()) {
            String redacted = CARD.matcher(text).replaceAll("[card]");
            redacted = EMAIL.matcher(redacted).replaceAll("[email]");
            redacted = PHONE.matcher(redacted).replaceAll("[phone]");
            if (!redacted.equals(text)) {
                applied.add("pii-redacted");
                text = redacted;
            }
        }
        if (rules.maxOutputChars() > 0 && text.length() > rules.maxOutputChars()) {
            if (rules.format() == Guardrails.OutputFormat.JSON) {
                return new Verdict.Rejected("the model's JSON answer is " + text.length() + " characters; the limit is "
                        + rules.maxOutputChars());
            }
            int cut = text.lastIndexOf(' ', rules.maxOutputChars());
            text = text.substring(0, cut > rules.maxOutputChars() / 2 ? cut : rules.maxOutputChars()) + TRUNCATION_MARK;
            applied.add("truncated");
        }
        return new Verdict.Passed(text, applied);
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
