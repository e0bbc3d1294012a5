package dev.sluice.adapter.llm.internal;

import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.sluice.domain.model.ProviderLimits;
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
            return new PermanentException(model + ": content filtered", error);
        }
        if (error instanceof RetriableException || isTransient(error)) {
            return new TransientException(model + ": " + describe(error), error);
        }
        if (error instanceof NonRetriableException) {
            return new PermanentException(model + ": " + describe(error), error);
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
        if (status >= 500 || status == 408 || status == 409) {
            return new TransientException(what, error);
        }
        String body = f.body().toLowerCase(Locale.ROOT);
        if (body.contains("context_length") || body.contains("too long") || body.contains("maximum context")) {
            return new PermanentException(model + ": context too long" + errorText(f), error);
        }
        if (body.contains("content_filter") || body.contains("content_policy") || body.contains("safety")) {
            return new PermanentException(model + ": content filtered" + errorText(f), error);
        }
        return new PermanentException(what, error);
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
