package dev.sluice.adapter.llm.internal;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns whatever a provider call threw into the domain's classification, once: throttled (429, with the provider's
 * retry-after and the account's limits its headers state), transient (5xx, 408, Anthropic's 529, timeouts,
 * connection and parse failures of a garbled body) or permanent (other 4xx: auth, invalid request, unknown model,
 * context too long, content filtered). Always keeps the cause.
 *
 * <p>The message is the operator's: the provider's status and an excerpt of its error body. What a tenant may read
 * is the {@link FailureKind} and the status alone, set here on every exception.
 */
public final class ProviderErrors {
    /** Used when a 429 says nothing about when to come back. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(10);

    private ProviderErrors() {}

    /** As {@link #classify(String, Throwable, Function, Function)} for a provider that reports no limits. */
    public static PortException classify(
            String model, Throwable error, Function<Throwable, Optional<HttpFailure>> failureOf) {
        return classify(model, error, failureOf, ReportedLimits::none);
    }

    /**
     * @param failureOf finds the provider's error answer among an exception's causes
     * @param limitsOf the account's limits as the error answer's headers state them, for a throttled call
     */
    public static PortException classify(
            String model,
            Throwable error,
            Function<Throwable, Optional<HttpFailure>> failureOf,
            Function<Map<String, List<String>>, ProviderLimits> limitsOf) {
        if (error instanceof PortException classified) {
            return classified;
        }
        Optional<HttpFailure> failure = failureOf.apply(error);
        if (failure.isPresent()) {
            return byStatus(model, failure.get(), error, limitsOf);
        }
        if (error instanceof RateLimitException) {
            return new ThrottledException(model + " throttled", DEFAULT_RETRY_AFTER, error);
        }
        if (error instanceof ContentFilteredException) {
            return new PermanentException(model + ": content filtered", FailureKind.CONTENT_FILTERED, 0, error);
        }
        if (error instanceof RetriableException || isTransient(error)) {
            return new TransientException(model + ": " + describe(error), transientKind(error), 0, error);
        }
        if (error instanceof NonRetriableException) {
            return new PermanentException(model + ": " + describe(error), permanentKind(error), 0, error);
        }
        return new PermanentException(model + ": unexpected " + describe(error), error);
    }

    private static PortException byStatus(
            String model,
            HttpFailure f,
            Throwable error,
            Function<Map<String, List<String>>, ProviderLimits> limitsOf) {
        int status = f.status();
        String what = model + " answered " + status + errorText(f);
        if (status == 429 || f.errorCode().startsWith("ThrottlingException")) {
            Duration retryAfter = RetryAfter.of(f, Instant.now()).orElse(DEFAULT_RETRY_AFTER);
            return new ThrottledException(what, retryAfter, limitsOf.apply(f.headers()), error);
        }
        int known = status >= 100 && status <= 599 ? status : 0;
        if (status >= 500 || status == 408 || status == 409) {
            FailureKind kind = status == 408 || status == 504
                    ? FailureKind.TIMEOUT
                    : status >= 500 ? FailureKind.SERVER_ERROR : FailureKind.UNCLASSIFIED;
            return new TransientException(what, kind, known, error);
        }
        String body = f.body().toLowerCase(Locale.ROOT);
        if (body.contains("context_length") || body.contains("too long") || body.contains("maximum context")) {
            return new PermanentException(
                    model + ": context too long" + errorText(f), FailureKind.CONTEXT_TOO_LONG, known, error);
        }
        if (body.contains("content_filter") || body.contains("content_policy") || body.contains("safety")) {
            return new PermanentException(
                    model + ": content filtered" + errorText(f), FailureKind.CONTENT_FILTERED, known, error);
        }
        return new PermanentException(what, byStatus(status), known, error);
    }

    /** A 4xx's kind by its status alone (the body is the provider's words, read only for the cases above). */
    private static FailureKind byStatus(int status) {
        return switch (status) {
            case 400, 413, 422 -> FailureKind.INVALID_REQUEST;
            case 401, 403 -> FailureKind.UNAUTHORIZED;
            case 404 -> FailureKind.NOT_FOUND;
            default -> FailureKind.UNCLASSIFIED;
        };
    }

    private static FailureKind permanentKind(Throwable error) {
        if (error instanceof AuthenticationException) {
            return FailureKind.UNAUTHORIZED;
        }
        if (error instanceof ModelNotFoundException) {
            return FailureKind.NOT_FOUND;
        }
        if (error instanceof InvalidRequestException) {
            return FailureKind.INVALID_REQUEST;
        }
        return FailureKind.UNCLASSIFIED;
    }

    /** A timeout, a connection that failed, a body that could not be read; otherwise unclassified. */
    public static FailureKind transientKind(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof dev.langchain4j.exception.TimeoutException) {
                return FailureKind.TIMEOUT;
            }
            if (t instanceof com.fasterxml.jackson.core.JacksonException) {
                return FailureKind.BAD_RESPONSE;
            }
            if (t instanceof IOException) {
                return FailureKind.CONNECTION;
            }
        }
        return FailureKind.UNCLASSIFIED;
    }

    /** Timeouts, broken connections and garbled bodies may pass when tried again. */
    private static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException
                    || t instanceof UncheckedIOException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof InterruptedException
                    || t instanceof com.fasterxml.jackson.core.JacksonException) {
                return true;
            }
        }
        return false;
    }

    private static String errorText(HttpFailure f) {
        String body = f.body().strip();
        return body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
