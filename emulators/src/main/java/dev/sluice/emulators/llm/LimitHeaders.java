package dev.sluice.emulators.llm;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The rate-limit headers OpenAI and Anthropic send with every answer and every 429. */
final class LimitHeaders {
    private LimitHeaders() {}

    /**
     * The headers for {@code provider} when the model has limits, {@code now} on the simulator's clock: OpenAI's
     * x-ratelimit-*, Anthropic's anthropic-ratelimit-* with its combined, input and output token limits each stated on
     * its own, as configured; none for the others.
     */
    static Map<String, String> of(Provider provider, ModelBehaviour b, ModelCounters.Counted counted, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (b.rpm() == 0 && b.tpm() == 0 && b.inputTpm() == 0 && b.outputTpm() == 0) {
            return headers;
        }
        RateCounter.Decision d = counted.all();
        Duration reset = Duration.ofNanos(d.resetNanos());
        if (provider == Provider.OPENAI) {
            if (b.rpm() > 0) {
                headers.put("x-ratelimit-limit-requests", Long.toString(b.rpm()));
                headers.put("x-ratelimit-remaining-requests", Long.toString(d.remainingRequests()));
                headers.put("x-ratelimit-reset-requests", openAiDuration(reset));
            }
            if (b.tpm() > 0) {
                headers.put("x-ratelimit-limit-tokens", Long.toString(b.tpm()));
                headers.put("x-ratelimit-remaining-tokens", Long.toString(d.remainingTokens()));
                headers.put("x-ratelimit-reset-tokens", openAiDuration(reset));
            }
        } else if (provider == Provider.ANTHROPIC) {
            String at = now.plus(reset).toString();
            if (b.rpm() > 0) {
                headers.put("anthropic-ratelimit-requests-limit", Long.toString(b.rpm()));
                headers.put("anthropic-ratelimit-requests-remaining", Long.toString(d.remainingRequests()));
                headers.put("anthropic-ratelimit-requests-reset", at);
            }
            anthropicTokens(headers, "tokens", b.tpm(), d, now);
            anthropicTokens(headers, "input-tokens", b.inputTpm(), counted.input(), now);
            anthropicTokens(headers, "output-tokens", b.outputTpm(), counted.output(), now);
        }
        return headers;
    }

    private static void anthropicTokens(
            Map<String, String> headers, String kind, long limit, RateCounter.Decision d, Instant now) {
        if (limit > 0) {
            String at = now.plusNanos(d.resetNanos()).toString();
            headers.put("anthropic-ratelimit-" + kind + "-limit", Long.toString(limit));
            headers.put("anthropic-ratelimit-" + kind + "-remaining", Long.toString(d.remainingTokens()));
            headers.put("anthropic-ratelimit-" + kind + "-reset", at);
        }
    }

    /** OpenAI writes resets as {@code 1s}, {@code 6m0s} or {@code 120ms}. */
    static String openAiDuration(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = (long) Math.ceil(d.toMillis() / 1000.0);
        return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
