package dev.sluice.adapter.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
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
    void anAlreadyClassifiedFailurePassesThrough() {
        TransientException e = new TransientException("x", null);
        assertThat(classify(e)).isSameAs(e);
    }
}
