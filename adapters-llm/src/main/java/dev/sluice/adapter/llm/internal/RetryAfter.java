package dev.sluice.adapter.llm.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a throttled caller may come back, from what the provider said: {@code retry-after-ms}, {@code retry-after}
 * (seconds or an HTTP date), OpenAI's {@code x-ratelimit-reset-*} ({@code 6m0s}), Anthropic's
 * {@code anthropic-ratelimit-*-reset} (an instant), Gemini's {@code RetryInfo.retryDelay} in the body, or the
 * "try again in 1.5s" of an error message, in that order.
 */
public final class RetryAfter {
    private static final Pattern GO_DURATION =
            Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:([\\d.]+)s)?(?:(\\d+)ms)?");
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"([\\d.]+)s\"");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final Pattern TRY_AGAIN = Pattern.compile("(?i)try again in ([\\d.]+)\\s*(ms|s)");
    private static final String[] OPENAI_RESETS = {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"};
    private static final String[] ANTHROPIC_KINDS = {"requests", "tokens", "input-tokens", "output-tokens"};

    private RetryAfter() {}

    public static Optional<Duration> of(HttpFailure failure, Instant now) {
        Optional<Duration> found = failure.header("retry-after-ms").flatMap(RetryAfter::millis);
        if (found.isEmpty()) {
            found = failure.header("retry-after").flatMap(v -> secondsOrDate(v, now));
        }
        if (found.isEmpty()) {
            found = openAiReset(failure);
        }
        if (found.isEmpty()) {
            found = anthropicReset(failure, now);
        }
        if (found.isEmpty()) {
            found = first(RETRY_DELAY.matcher(failure.body()), "s");
        }
        if (found.isEmpty()) {
            Matcher m = TRY_AGAIN.matcher(failure.body());
            found = m.find() ? decimal(m.group(1), m.group(2)) : Optional.empty();
        }
        return found.filter(d -> !d.isNegative());
    }

    private static Optional<Duration> openAiReset(HttpFailure failure) {
        Duration longest = null;
        for (String name : OPENAI_RESETS) {
            Optional<Duration> d = failure.header(name).flatMap(RetryAfter::goDuration);
            if (d.isPresent() && (longest == null || d.get().compareTo(longest) > 0)) {
                longest = d.get();
            }
        }
        return Optional.ofNullable(longest);
    }

    /** The reset of whichever Anthropic limit is used up, else the latest reset. */
    private static Optional<Duration> anthropicReset(HttpFailure failure, Instant now) {
        Duration exhausted = null;
        Duration latest = null;
        for (String kind : ANTHROPIC_KINDS) {
            Optional<Duration> reset = failure.header("anthropic-ratelimit-" + kind + "-reset")
                    .flatMap(v -> instant(v).map(at -> Duration.between(now, at)));
            if (reset.isEmpty()) {
                continue;
            }
            if (latest == null || reset.get().compareTo(latest) > 0) {
                latest = reset.get();
            }
            boolean used = failure.header("anthropic-ratelimit-" + kind + "-remaining")
                    .map(r -> r.trim().equals("0"))
                    .orElse(false);
            if (used && (exhausted == null || reset.get().compareTo(exhausted) > 0)) {
                exhausted = reset.get();
            }
        }
        return Optional.ofNullable(exhausted != null ? exhausted : latest);
    }

    static Optional<Duration> goDuration(String value) {
        Matcher m = GO_DURATION.matcher(value.trim());
        if (value.isBlank() || !m.matches()) {
            return Optional.empty();
        }
        double seconds = 0;
        seconds += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600.0;
        seconds += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60.0;
        seconds += m.group(3) == null ? 0 : Double.parseDouble(m.group(3));
        seconds += m.group(4) == null ? 0 : Long.parseLong(m.group(4)) / 1000.0;
        return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private static Optional<Duration> secondsOrDate(String value, Instant now) {
        Optional<Duration> seconds = decimal(value.trim(), "s");
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            return Optional.of(Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> millis(String value) {
        return decimal(value.trim(), "ms");
    }

    private static Optional<Duration> first(Matcher m, String unit) {
        return m.find() ? decimal(m.group(1), unit) : Optional.empty();
    }

    private static Optional<Duration> decimal(String number, String unit) {
        if (!NUMBER.matcher(number).matches()) {
            // Double.parseDouble would take NaN, Infinity, 1e9 and hex: none is a delay a provider sends.
            return Optional.empty();
        }
        try {
            double value = Double.parseDouble(number);
            return Optional.of(Duration.ofMillis(Math.round(unit.equals("ms") ? value : value * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> instant(String value) {
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
