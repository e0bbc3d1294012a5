package dev.sluice.adapter.llm.resilience;

import dev.sluice.adapter.llm.internal.ProviderErrors;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A model behind Resilience4j: each attempt is time-limited and counted by the model's circuit breaker, and
 * transient failures are retried with jittered exponential backoff within a time budget. Throttling, permanent
 * failures and an open circuit are never retried here: they go straight back to the pipeline.
 */
public final class ResilientLanguageModel implements LanguageModel {
    /** Attempts run on virtual threads so the time limit can interrupt a call stuck on the network. */
    private static final ExecutorService ATTEMPTS = Executors.newVirtualThreadPerTaskExecutor();

    private final String name;
    private final LanguageModel delegate;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final long budgetNanos;

    /**
     * @param breaker shared by every alias of the same provider and model
     */
    public ResilientLanguageModel(
            String name, LanguageModel delegate, CircuitBreaker breaker, ResilienceSettings settings) {
        this.name = name;
        this.delegate = delegate;
        this.breaker = breaker;
        this.budgetNanos = settings.retryBudget().toNanos();
        this.retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(settings.maxAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                settings.initialBackoff(),
                                settings.backoffMultiplier(),
                                settings.jitter(),
                                settings.maxBackoff()))
                        .retryOnException(ResilientLanguageModel::worthRetrying)
                        .build());
        this.timeLimiter = TimeLimiter.of(
                name,
                TimeLimiterConfig.custom()
                        .timeoutDuration(settings.callTimeout())
                        .cancelRunningFuture(true)
                        .build());
    }

    @Override
    public Completion complete(ModelCall call) {
        long deadline = System.nanoTime() + budgetNanos;
        Supplier<Completion> attempt = () -> {
            if (System.nanoTime() - deadline > 0) {
                throw new BudgetSpent();
            }
            return guarded(call);
        };
        TransientException[] last = new TransientException[1];
        Supplier<Completion> remembering = () -> {
            try {
                return attempt.get();
            } catch (TransientException e) {
                last[0] = e;
                throw e;
            }
        };
        try {
            return Retry.decorateSupplier(retry, remembering).get();
        } catch (BudgetSpent e) {
            // The last failure says what kind it was: a tenant is told the provider timed out, not that a budget ran
            // out.
            throw new TransientException(
                    name + ": retry budget spent; last failure: " + last[0].getMessage(),
                    last[0].kind(),
                    last[0].status().orElse(0),
                    last[0]);
        }
    }

    /** One attempt: refused at once when the circuit is open, otherwise time-limited and recorded. */
    private Completion guarded(ModelCall call) {
        try {
            return breaker.executeSupplier(() -> timeLimited(call));
        } catch (CallNotPermittedException e) {
            throw new CircuitOpenException(name + ": circuit open, call not made", e);
        }
    }

    private Completion timeLimited(ModelCall call) {
        Future<Completion> future = ATTEMPTS.submit(() -> delegate.complete(call));
        try {
            return timeLimiter.executeFutureSupplier(() -> future);
        } catch (TimeoutException e) {
            throw new TransientException(
                    name + ": no answer within "
                            + timeLimiter.getTimeLimiterConfig().getTimeoutDuration(),
                    FailureKind.TIMEOUT,
                    0,
                    e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (PortException e) {
            throw e;
        } catch (Exception e) {
            throw unwrap(e);
        }
    }

    private RuntimeException unwrap(Throwable cause) {
        if (cause instanceof PortException port) {
            return port;
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new TransientException(name + ": call failed: " + cause, ProviderErrors.transientKind(cause), 0, cause);
    }

    private static boolean worthRetrying(Throwable e) {
        return e instanceof TransientException && !(e instanceof CircuitOpenException);
    }

    /** No attempt starts once the budget has passed; carries no stack trace as it is control flow. */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super("retry budget spent", null, false, false);
        }
    }
}
