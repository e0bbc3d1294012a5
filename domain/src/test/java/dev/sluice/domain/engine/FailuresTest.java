package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failure's reason for the tenant (sluice's words only) and its detail for the operator (the provider's). */
class FailuresTest {
    private static final String BODY =
            "{\"error\":{\"message\":\"upstream internal-host-10.0.0.7 rejected key sk-live-123\",\"type\":\"invalid_request_error\"}}";

    @Test
    void aProvidersRefusalIsToldAsTheStepTheModelTheStatusAndTheKind() {
        var e = new PermanentException(
                "fast (gpt-4o-mini) answered 400: " + BODY,
                FailureKind.INVALID_REQUEST,
                400,
                new IllegalStateException("POST https://internal-host-10.0.0.7/v1/chat/completions: " + BODY));

        Failures.Failure failure = Failures.of("step 'answer'", ModelInvoker.provider("fast"), e);

        assertThat(failure.reason())
                .isEqualTo(
                        "step 'answer': the provider of model 'fast' refused the request (HTTP 400, invalid request)");
        assertThat(failure.detail())
                .startsWith("step 'answer', the provider of model 'fast': PermanentException: fast (gpt-4o-mini)"
                        + " answered 400: ")
                .contains("sk-live-123", "invalid_request_error")
                .contains(" <- IllegalStateException: POST https://internal-host-10.0.0.7/v1/chat/completions");
    }

    @Test
    void noReasonCarriesTheProvidersTextAClassNameOrAnAddress() {
        String secret = "internal-host-10.0.0.7 key sk-live-123 at https://api.internal:8443";
        var failures = java.util.List.of(
                new PermanentException(secret, FailureKind.CONTENT_FILTERED, 400, null),
                new PermanentException(secret, null),
                new TransientException(secret, FailureKind.SERVER_ERROR, 503, new RuntimeException(secret)),
                new TransientException(secret, FailureKind.TIMEOUT, 0, null),
                new TransientException(secret, FailureKind.CONNECTION, 0, null),
                new TransientException(secret, null),
                new CircuitOpenException(secret, null),
                new ThrottledException(secret, Duration.ofSeconds(3), null),
                new IllegalArgumentException(secret),
                new NullPointerException());
        for (RuntimeException e : failures) {
            Failures.Failure failure = Failures.of("retrieval 'context'", "the vector store (index 'docs')", e);
            assertThat(failure.reason())
                    .as("reason for %s", e)
                    .startsWith("retrieval 'context': the vector store (index 'docs') ")
                    .doesNotContain("internal-host", "10.0.0.7", "sk-live", "https", "8443", "Exception");
            assertThat(Failures.label(e)).doesNotContain("internal-host", "sk-live", "Exception");
        }
    }

    @Test
    void eachClassAndKindReadsAsASentence() {
        String fast = ModelInvoker.provider("fast");
        assertThat(Failures.said(fast, new PermanentException("x", FailureKind.CONTEXT_TOO_LONG, 400, null)))
                .isEqualTo("the provider of model 'fast' refused the request (HTTP 400, context too long)");
        assertThat(Failures.said(fast, new PermanentException("x", FailureKind.UNAUTHORIZED, 401, null)))
                .isEqualTo("the provider of model 'fast' refused the request (HTTP 401, credentials refused)");
        assertThat(Failures.said(fast, new PermanentException("x", null)))
                .isEqualTo("the provider of model 'fast' refused the request");
        assertThat(Failures.said(fast, new PermanentException("x", FailureKind.NOT_CONFIGURED, 0, null)))
                .isEqualTo("the provider of model 'fast' is not configured");
        assertThat(Failures.said(fast, new TransientException("x", FailureKind.TIMEOUT, 0, null)))
                .isEqualTo("the provider of model 'fast' timed out");
        assertThat(Failures.said(fast, new TransientException("x", FailureKind.TIMEOUT, 504, null)))
                .isEqualTo("the provider of model 'fast' timed out (HTTP 504)");
        assertThat(Failures.said(fast, new TransientException("x", FailureKind.SERVER_ERROR, 529, null)))
                .isEqualTo("the provider of model 'fast' failed (HTTP 529, server error)");
        assertThat(Failures.said(fast, new TransientException("x", FailureKind.CONNECTION, 0, null)))
                .isEqualTo("the provider of model 'fast' could not be reached");
        assertThat(Failures.said(fast, new TransientException("x", FailureKind.BAD_RESPONSE, 0, null)))
                .isEqualTo("the provider of model 'fast' sent an unreadable response");
        assertThat(Failures.said(fast, new TransientException("x", null)))
                .isEqualTo("the provider of model 'fast' failed");
        assertThat(Failures.said(fast, new CircuitOpenException("x", null)))
                .isEqualTo("the provider of model 'fast' is unavailable (circuit open after recent failures)");
        assertThat(Failures.said(fast, new ThrottledException("x", Duration.ofSeconds(1), null)))
                .isEqualTo("the provider of model 'fast' throttled the request");
        assertThat(Failures.said(null, new IllegalStateException("x")))
                .isEqualTo("failed unexpectedly (internal error)");
    }

    @Test
    void aFallbackIsLabelledInAFewWords() {
        assertThat(Failures.label(new CircuitOpenException("x", null))).isEqualTo("circuit open");
        assertThat(Failures.label(new PermanentException("x", FailureKind.UNAUTHORIZED, 401, null)))
                .isEqualTo("HTTP 401, credentials refused");
        assertThat(Failures.label(new PermanentException("x", null))).isEqualTo("refused");
        assertThat(Failures.label(new TransientException("x", null))).isEqualTo("unavailable");
        assertThat(Failures.label(new IllegalStateException("x"))).isEqualTo("internal error");
    }

    @Test
    void theOperatorsDetailKeepsEveryCauseOnceAndStaysBounded() {
        var root = new IllegalStateException("the provider said: " + BODY);
        var wrapper = new RuntimeException(root.getMessage(), root);
        var e = new PermanentException("fast answered 400: " + BODY, FailureKind.INVALID_REQUEST, 400, wrapper);

        assertThat(Failures.detail(e))
                .isEqualTo("PermanentException: fast answered 400: " + BODY
                        + " <- RuntimeException: the provider said: " + BODY);
        assertThat(Failures.detail(new PermanentException("x".repeat(10_000), null)))
                .hasSize(Failures.DETAIL_LIMIT + 3)
                .endsWith("...");
    }
}
