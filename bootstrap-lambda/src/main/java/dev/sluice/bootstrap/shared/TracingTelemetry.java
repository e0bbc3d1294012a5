package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;

/**
 * Metrics as before, and what the engine reports also on the span of the hop it happens in (the engine calls on
 * the hop's own thread): model, tokens and cost as attributes, throttling, deferral and fallbacks as events. With
 * tracing off the current span is the no-op one and this adds nothing.
 */
public final class TracingTelemetry implements Telemetry {
    private final Telemetry metrics;

    public TracingTelemetry(Telemetry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void modelCalled(String alias, String modelId, Duration latency, TokenUsage usage, Cost cost) {
        metrics.modelCalled(alias, modelId, latency, usage, cost);
        Span span = Span.current();
        span.setAttribute(JobTracing.MODEL, alias);
        span.setAttribute("gen_ai.request.model", modelId);
        span.setAttribute(JobTracing.INPUT_TOKENS, usage.input());
        span.setAttribute(JobTracing.OUTPUT_TOKENS, usage.output());
        span.setAttribute(JobTracing.COST_USD, cost.usd().doubleValue());
        span.setAttribute("sluice.model_latency_ms", latency.toMillis());
    }

    @Override
    public void batchParked(String alias) {
        metrics.batchParked(alias);
        Span.current().setAttribute("sluice.batch_parked", true);
    }

    @Override
    public void batchAnswered(String alias, String modelId, TokenUsage usage, Cost cost) {
        metrics.batchAnswered(alias, modelId, usage, cost);
        Span span = Span.current();
        span.setAttribute(JobTracing.MODEL, alias);
        span.setAttribute("gen_ai.request.model", modelId);
        span.setAttribute(JobTracing.INPUT_TOKENS, usage.input());
        span.setAttribute(JobTracing.OUTPUT_TOKENS, usage.output());
        span.setAttribute(JobTracing.COST_USD, cost.usd().doubleValue());
        span.setAttribute("sluice.batched", true);
    }

    @Override
    public void batchSubmitted(String alias, int lines) {
        metrics.batchSubmitted(alias, lines);
    }

    @Override
    public void cacheLookup(boolean hit) {
        metrics.cacheLookup(hit);
        Span.current().setAttribute("sluice.cache_hit", hit);
    }

    @Override
    public void semanticCacheFailed(String what, RuntimeException e) {
        metrics.semanticCacheFailed(what, e);
        Span.current()
                .addEvent(
                        "sluice.semantic_cache_failed",
                        Attributes.builder()
                                .put("sluice.what", what)
                                .put("exception.message", String.valueOf(e.getMessage()))
                                .build());
    }

    @Override
    public void semanticLookup(boolean hit) {
        metrics.semanticLookup(hit);
        Span.current().setAttribute("sluice.semantic_hit", hit);
    }

    @Override
    public void throttled(String alias) {
        metrics.throttled(alias);
        Span.current()
                .addEvent(
                        "throttled",
                        Attributes.builder().put(JobTracing.MODEL, alias).build());
    }

    @Override
    public void overBudget(String period) {
        metrics.overBudget(period);
        Span.current()
                .addEvent(
                        "over budget",
                        Attributes.builder().put("sluice.budget_period", period).build());
    }

    @Override
    public void spendUnrecorded() {
        metrics.spendUnrecorded();
    }

    @Override
    public void deferred(Duration delay) {
        metrics.deferred(delay);
        Span.current()
                .addEvent(
                        "deferred",
                        Attributes.builder()
                                .put("sluice.delay_ms", delay.toMillis())
                                .build());
    }

    @Override
    public void fallbackUsed(String from, String to) {
        metrics.fallbackUsed(from, to);
        Span.current()
                .addEvent(
                        "fallback",
                        Attributes.builder()
                                .put("sluice.from", from)
                                .put("sluice.to", to)
                                .build());
    }

    @Override
    public void hopFinished(String pipeline, String outcome, Duration duration) {
        metrics.hopFinished(pipeline, outcome, duration);
    }

    @Override
    public void traceLost() {
        metrics.traceLost();
    }

    @Override
    public void jobFinished(String pipeline, JobStatus status, Duration duration) {
        metrics.jobFinished(pipeline, status, duration);
        Span.current().setAttribute("sluice.job_status", status.name());
    }
}
