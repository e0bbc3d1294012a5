package dev.sluice.adapter.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");

    private static HttpFailure failure(Map<String, List<String>> headers, String body) {
        return new HttpFailure(429, headers, body, "");
    }

    @Test
    void retryAfterSecondsAndHttpDates() {
        assertThat(RetryAfter.of(failure(Map.of("retry-after", List.of("7")), ""), NOW))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.of(failure(Map.of("retry-after", List.of("Mon, 01 Jun 2026 09:00:30 GMT")), ""), NOW))
                .contains(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterMillisecondsWinOverSeconds() {
        assertThat(RetryAfter.of(
                        failure(Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("2")), ""), NOW))
                .contains(Duration.ofMillis(1500));
    }

    @Test
    void garbledRetryAfterMsFallsBackToRetryAfter() {
        assertThat(RetryAfter.of(
                        failure(Map.of("retry-after-ms", List.of("later"), "retry-after", List.of("2")), ""), NOW))
                .contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.of(failure(Map.of("retry-after-ms", List.of("250.5")), ""), NOW))
                .contains(Duration.ofMillis(251));
    }

    @Test
    void numbersAProviderWouldNotSendAreNotDelays() {
        for (String odd : new String[] {"NaN", "Infinity", "1e3", "0x10", "-5", "+5"}) {
            assertThat(RetryAfter.of(failure(Map.of("retry-after", List.of(odd)), "{}"), NOW))
                    .as("retry-after %s", odd)
                    .isEmpty();
            assertThat(RetryAfter.of(failure(Map.of("retry-after-ms", List.of(odd)), "{}"), NOW))
                    .as("retry-after-ms %s", odd)
                    .isEmpty();
        }
    }

    @Test
    void openAiResetsTakeTheLongerOfRequestsAndTokens() {
        Map<String, List<String>> headers =
                Map.of("x-ratelimit-reset-requests", List.of("1s"), "x-ratelimit-reset-tokens", List.of("6m0s"));
        assertThat(RetryAfter.of(failure(headers, ""), NOW)).contains(Duration.ofMinutes(6));
        assertThat(RetryAfter.goDuration("120ms")).contains(Duration.ofMillis(120));
        assertThat(RetryAfter.goDuration("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
    }

    @Test
    void anthropicResetOfTheExhaustedLimit() {
        Map<String, List<String>> headers = Map.of(
                "anthropic-ratelimit-requests-remaining", List.of("10"),
                "anthropic-ratelimit-requests-reset", List.of("2026-06-01T09:00:50Z"),
                "anthropic-ratelimit-output-tokens-remaining", List.of("0"),
                "anthropic-ratelimit-output-tokens-reset", List.of("2026-06-01T09:00:20Z"));
        assertThat(RetryAfter.of(failure(headers, ""), NOW)).contains(Duration.ofSeconds(20));
    }

    @Test
    void geminiRetryInfoAndMessagesInTheBody() {
        String gemini = "{\"error\":{\"code\":429,\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                + "\"retryDelay\": \"12s\"}]}}";
        assertThat(RetryAfter.of(failure(Map.of(), gemini), NOW)).contains(Duration.ofSeconds(12));
        assertThat(RetryAfter.of(failure(Map.of(), gemini.replace("12s", "1.5s")), NOW))
                .contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.of(failure(Map.of(), "Rate limit reached. Please try again in 820ms."), NOW))
                .contains(Duration.ofMillis(820));
    }

    @Test
    void nothingSaidIsNothingFound() {
        assertThat(RetryAfter.of(failure(Map.of("retry-after", List.of("soon")), "{}"), NOW))
                .isEmpty();
    }
}
