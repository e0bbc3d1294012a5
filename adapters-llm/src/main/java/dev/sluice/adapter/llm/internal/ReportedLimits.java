package dev.sluice.adapter.llm.internal;

import dev.sluice.domain.model.ProviderLimits;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The account's limits as a provider states them in its response headers, one static method per header style,
 * each usable as a {@link Function} from headers to limits. Header names match in any case. A header that is
 * missing, empty, not a whole number, negative or past {@code long} counts as not said ({@code 0}): a header never
 * fails a call.
 */
public final class ReportedLimits {
    private ReportedLimits() {}

    /** A provider that states no limits (Gemini, Bedrock, Ollama). */
    public static ProviderLimits none(Map<String, List<String>> headers) {
        return ProviderLimits.NONE;
    }

    /** OpenAI and OpenAI-compatible servers: {@code x-ratelimit-limit-requests} and {@code -tokens}. */
    public static ProviderLimits openAi(Map<String, List<String>> headers) {
        return new ProviderLimits(
                number(headers, "x-ratelimit-limit-requests"), number(headers, "x-ratelimit-limit-tokens"), 0, 0);
    }

    /** Anthropic: {@code anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-limit}. */
    public static ProviderLimits anthropic(Map<String, List<String>> headers) {
        return new ProviderLimits(
                number(headers, "anthropic-ratelimit-requests-limit"),
                number(headers, "anthropic-ratelimit-tokens-limit"),
                number(headers, "anthropic-ratelimit-input-tokens-limit"),
                number(headers, "anthropic-ratelimit-output-tokens-limit"));
    }

    /** The first value of header {@code name} as a count, or {@code 0}. */
    static long number(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return 0;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey())) {
                List<String> values = header.getValue();
                return values == null || values.isEmpty() ? 0 : count(values.getFirst());
            }
        }
        return 0;
    }

    private static long count(String value) {
        if (value == null) {
            return 0;
        }
        String digits = value.strip();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return 0;
        }
    }
}
