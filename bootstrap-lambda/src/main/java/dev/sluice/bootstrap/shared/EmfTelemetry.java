package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Telemetry;
import java.time.Duration;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The pipeline's metrics as CloudWatch EMF (namespace {@code Sluice}), through Powertools. Metrics are buffered per
 * invocation and flushed by the handler; calls from concurrent message threads are serialised here.
 */
public final class EmfTelemetry implements Telemetry {
    private final Metrics metrics;

    public EmfTelemetry(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void modelCalled(String alias, String modelId, Duration latency, TokenUsage usage, Cost cost) {
        add("LlmLatency", latency.toMillis(), MetricUnit.MILLISECONDS);
        add("InputTokens", usage.input(), MetricUnit.COUNT);
        add("OutputTokens", usage.output(), MetricUnit.COUNT);
        // CloudWatch has no currency unit: cost is counted in millionths of a dollar.
        add("CostMicroUsd", cost.usd().movePointRight(6).doubleValue(), MetricUnit.COUNT);
    }

    @Override
    public void batchParked(String alias) {
        add("BatchParked", 1, MetricUnit.COUNT);
    }

    /** Tokens and cost as a live call's, so the cost metrics add up; no latency: a batch answers in hours. */
    @Override
    public void batchAnswered(String alias, String modelId, TokenUsage usage, Cost cost) {
        add("BatchAnswered", 1, MetricUnit.COUNT);
        add("InputTokens", usage.input(), MetricUnit.COUNT);
        add("OutputTokens", usage.output(), MetricUnit.COUNT);
        add("CostMicroUsd", cost.usd().movePointRight(6).doubleValue(), MetricUnit.COUNT);
    }

    @Override
    public void cacheLookup(boolean hit) {
        add(hit ? "CacheHits" : "CacheMisses", 1, MetricUnit.COUNT);
    }

    @Override
    public void semanticLookup(boolean hit) {
        add(hit ? "SemanticHits" : "SemanticMisses", 1, MetricUnit.COUNT);
    }

    @Override
    public void semanticCacheFailed(String what, RuntimeException e) {
        add("SemanticCacheErrors", 1, MetricUnit.COUNT);
    }

    @Override
    public void throttled(String alias) {
        add("Throttled", 1, MetricUnit.COUNT);
    }

    /** Counted without the tenant: a dimension per tenant would be a metric per tenant, paid for each. */
    @Override
    public void overBudget(String period) {
        add("OverBudget", 1, MetricUnit.COUNT);
    }

    @Override
    public void spendUnrecorded() {
        add("SpendUnrecorded", 1, MetricUnit.COUNT);
    }

    @Override
    public void deferred(Duration delay) {
        add("Deferred", 1, MetricUnit.COUNT);
    }

    @Override
    public void fallbackUsed(String from, String to) {
        add("Fallbacks", 1, MetricUnit.COUNT);
    }

    @Override
    public void hopFinished(String pipeline, String outcome, Duration duration) {
        add("HopDuration", duration.toMillis(), MetricUnit.MILLISECONDS);
        add("Hop" + outcome, 1, MetricUnit.COUNT);
    }

    @Override
    public void traceLost() {
        add("TracesLost", 1, MetricUnit.COUNT);
    }

    @Override
    public void jobFinished(String pipeline, JobStatus status, Duration duration) {
        add(status == JobStatus.SUCCEEDED ? "JobsSucceeded" : "JobsFailed", 1, MetricUnit.COUNT);
        add("JobDuration", duration.toMillis(), MetricUnit.MILLISECONDS);
    }

    private void add(String name, double value, MetricUnit unit) {
        synchronized (metrics) {
            metrics.addMetric(name, value, unit);
        }
    }
}
