package dev.sluice.adapter.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderErrorsTest {
    private static PortException classify(Throwable t) {
        return ProviderErrors.classify("m", t, HttpFailure::fromCauses);
    }

    private static ProviderHttpException http(int status, String body, Map<String, List<String>> headers) {
        return new ProviderHttpException(status, body, headers);
    }

    @Test
    void a429IsThrottledWithTheProvidersRetryAfterAndKeepsTheCause() {
        RateLimitException e = new RateLimitException(http(429, "{}", Map.of("Retry-After", List.of("3"))));

        PortException classified = classify(e);

        assertThat(classified).isInstanceOf(ThrottledException.class).hasCause(e);
        assertThat(((ThrottledException) classified).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a429CarriesTheLimitsItsHeadersStateAndPrefersRetryAfterMs() {
        Map<String, List<String>> headers = Map.of(
                "x-ratelimit-limit-requests", List.of("60"),
                "x-ratelimit-limit-tokens", List.of("40000"),
                "retry-after-ms", List.of("2500"),
                "retry-after", List.of("3"));

        ThrottledException e = (ThrottledException) ProviderErrors.classify(
                "m", new RateLimitException(http(429, "{}", headers)), HttpFailure::fromCauses, ReportedLimits::openAi);

        assertThat(e.reported()).isEqualTo(new ProviderLimits(60, 40_000, 0, 0));
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void a429ReadByAProviderThatStatesNoLimitsReportsNone() {
        ThrottledException e = (ThrottledException) classify(new RateLimitException(
                http(429, "{}", Map.of("x-ratelimit-limit-requests", List.of("60"), "retry-after", List.of("3")))));

        assertThat(e.reported()).isEqualTo(ProviderLimits.NONE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void garbledLimitHeadersNeverFailTheClassification() {
        Map<String, List<String>> headers = Map.of(
                "Anthropic-Ratelimit-Requests-Limit", List.of("lots"),
                "anthropic-ratelimit-tokens-limit", List.of("-1"),
                "anthropic-ratelimit-output-tokens-limit", List.of("8000"),
                "retry-after", List.of("soon"));

        ThrottledException e = (ThrottledException) ProviderErrors.classify(
                "m", http(429, "{}", headers), HttpFailure::fromCauses, ReportedLimits::anthropic);

        assertThat(e.reported()).isEqualTo(new ProviderLimits(0, 0, 0, 8000));
        assertThat(e.retryAfter()).isEqualTo(ProviderErrors.DEFAULT_RETRY_AFTER);
    }

    @Test
    void aGemini429WaitsItsRetryInfoDelay() {
        String body = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"1.5s\"}]}}";

        ThrottledException e = (ThrottledException) classify(new RateLimitException(http(429, body, Map.of())));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(e.reported()).isEqualTo(ProviderLimits.NONE);
    }

    @Test
    void a429WithoutAHintWaitsTheDefault() {
        assertThat(((ThrottledException) classify(new RateLimitException(http(429, "{}", Map.of())))).retryAfter())
                .isEqualTo(ProviderErrors.DEFAULT_RETRY_AFTER);
    }

    @Test
    void serverErrorsTimeoutsAndBrokenConnectionsAreTransient() {
        assertThat(classify(http(529, "overloaded", Map.of()))).isExactlyInstanceOf(TransientException.class);
        assertThat(classify(http(503, "", Map.of()))).isExactlyInstanceOf(TransientException.class);
        assertThat(classify(new TimeoutException("slow"))).isExactlyInstanceOf(TransientException.class);
        assertThat(classify(new UncheckedIOException(new ConnectException("refused"))))
                .isExactlyInstanceOf(TransientException.class);
    }

    @Test
    void clientErrorsArePermanentAndSayWhy() {
        assertThat(classify(new AuthenticationException(http(401, "bad key", Map.of()))))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("401");
        assertThat(classify(new InvalidRequestException(
                        http(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}", Map.of()))))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("context too long");
        assertThat(classify(http(400, "{\"error\":{\"code\":\"content_filter\"}}", Map.of())))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("content filtered");
    }

    @Test
    void eachFailureSaysItsKindAndStatusForTheTenantAndKeepsTheBodyForTheOperator() {
        String body = "{\"error\":{\"message\":\"via internal-host-10.0.0.7 key sk-live-123\","
                + "\"type\":\"invalid_request_error\"}}";

        PortException invalid = classify(new InvalidRequestException(http(400, body, Map.of())));
        assertThat(invalid.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(invalid.status()).hasValue(400);
        assertThat(invalid).hasMessageContaining("sk-live-123").hasMessageContaining("invalid_request_error");

        assertThat(classify(new AuthenticationException(http(401, "bad key", Map.of())))
                        .kind())
                .isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(classify(http(404, "no such model", Map.of())).kind()).isEqualTo(FailureKind.NOT_FOUND);
        PortException tooLong = classify(http(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}", Map.of()));
        assertThat(tooLong.kind()).isEqualTo(FailureKind.CONTEXT_TOO_LONG);
        assertThat(tooLong.status()).hasValue(400);
        assertThat(classify(http(400, "{\"error\":{\"code\":\"content_filter\"}}", Map.of()))
                        .kind())
                .isEqualTo(FailureKind.CONTENT_FILTERED);
        PortException overloaded = classify(http(529, "overloaded", Map.of()));
        assertThat(overloaded.kind()).isEqualTo(FailureKind.SERVER_ERROR);
        assertThat(overloaded.status()).hasValue(529);
        assertThat(classify(http(504, "", Map.of())).kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(classify(http(408, "", Map.of())).kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(classify(new TimeoutException("slow")).kind()).isEqualTo(FailureKind.TIMEOUT);
        PortException refused = classify(new UncheckedIOException(new ConnectException("refused")));
        assertThat(refused.kind()).isEqualTo(FailureKind.CONNECTION);
        assertThat(refused.status()).isEmpty();
        assertThat(classify(new RateLimitException(http(429, "{}", Map.of()))).kind())
                .isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(classify(new IllegalStateException("who knows")).kind()).isEqualTo(FailureKind.UNCLASSIFIED);
    }

    @Test
    void anAlreadyClassifiedFailurePassesThrough() {
        TransientException e = new TransientException("x", null);
        assertThat(classify(e)).isSameAs(e);
    }
}
