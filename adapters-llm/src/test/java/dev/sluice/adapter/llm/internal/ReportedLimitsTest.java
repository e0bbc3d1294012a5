package dev.sluice.adapter.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.ProviderLimits;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportedLimitsTest {
    private static Map<String, List<String>> headers(String... namesAndValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], Arrays.asList(namesAndValues[i + 1]));
        }
        return headers;
    }

    @Test
    void openAiStatesRequestsAndTokensPerMinute() {
        Map<String, List<String>> headers = headers(
                "x-ratelimit-limit-requests", "500",
                "x-ratelimit-limit-tokens", "30000",
                "x-ratelimit-remaining-requests", "499",
                "x-ratelimit-reset-tokens", "6m0s");

        assertThat(ReportedLimits.openAi(headers)).isEqualTo(new ProviderLimits(500, 30_000, 0, 0));
    }

    @Test
    void anthropicStatesRequestsTokensInputAndOutput() {
        Map<String, List<String>> headers = headers(
                "anthropic-ratelimit-requests-limit", "50",
                "anthropic-ratelimit-tokens-limit", "90000",
                "anthropic-ratelimit-input-tokens-limit", "80000",
                "anthropic-ratelimit-output-tokens-limit", "16000",
                "anthropic-ratelimit-requests-remaining", "49");

        assertThat(ReportedLimits.anthropic(headers)).isEqualTo(new ProviderLimits(50, 90_000, 80_000, 16_000));
    }

    @Test
    void headerNamesMatchInAnyCase() {
        assertThat(ReportedLimits.openAi(headers("X-RateLimit-Limit-Requests", "10", "X-ratelimit-limit-tokens", "20")))
                .isEqualTo(new ProviderLimits(10, 20, 0, 0));
        assertThat(ReportedLimits.anthropic(headers("Anthropic-Ratelimit-Output-Tokens-Limit", "7")))
                .isEqualTo(new ProviderLimits(0, 0, 0, 7));
    }

    @Test
    void missingHeadersAreNotSaid() {
        assertThat(ReportedLimits.openAi(Map.of())).isEqualTo(ProviderLimits.NONE);
        assertThat(ReportedLimits.anthropic(Map.of())).isEqualTo(ProviderLimits.NONE);
        assertThat(ReportedLimits.openAi(null)).isEqualTo(ProviderLimits.NONE);
        assertThat(ReportedLimits.openAi(Map.of("x-ratelimit-limit-requests", List.of())))
                .isEqualTo(ProviderLimits.NONE);
        assertThat(ReportedLimits.openAi(headers("x-ratelimit-limit-tokens", "900")))
                .isEqualTo(new ProviderLimits(0, 900, 0, 0));
    }

    @Test
    void garbageCountsAsNotSaidAndLeavesTheOtherLimits() {
        for (String garbage : new String[] {
            "", " ", "abc", "-5", "+5", "1.5", "1e3", "0x10", "12 rpm", "500, 500", "NaN", "Infinity", "٣"
        }) {
            assertThat(ReportedLimits.openAi(
                            headers("x-ratelimit-limit-requests", garbage, "x-ratelimit-limit-tokens", "1000")))
                    .as("requests limit %s", garbage)
                    .isEqualTo(new ProviderLimits(0, 1000, 0, 0));
        }
        assertThat(ReportedLimits.anthropic(headers("anthropic-ratelimit-requests-limit", null)))
                .isEqualTo(ProviderLimits.NONE);
    }

    @Test
    void largeValuesAreKeptUpToLongAndOverflowIsNotSaid() {
        assertThat(ReportedLimits.openAi(headers(
                        "x-ratelimit-limit-requests",
                        "30000000000",
                        "x-ratelimit-limit-tokens",
                        "9223372036854775807")))
                .isEqualTo(new ProviderLimits(30_000_000_000L, Long.MAX_VALUE, 0, 0));
        assertThat(ReportedLimits.openAi(headers(
                        "x-ratelimit-limit-requests", "9223372036854775808",
                        "x-ratelimit-limit-tokens", "99999999999999999999999999")))
                .isEqualTo(ProviderLimits.NONE);
    }

    @Test
    void surroundingSpaceAndLeadingZerosAreFineAndTheFirstValueCounts() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", List.of(" 0500 ", "7"));
        assertThat(ReportedLimits.openAi(headers)).isEqualTo(new ProviderLimits(500, 0, 0, 0));
    }

    @Test
    void aProviderThatStatesNothingReportsNoneWhateverItSends() {
        assertThat(ReportedLimits.none(headers("x-ratelimit-limit-requests", "500")))
                .isEqualTo(ProviderLimits.NONE);
        assertThat(ReportedLimits.openAi(headers("anthropic-ratelimit-requests-limit", "50")))
                .isEqualTo(ProviderLimits.NONE);
    }
}
