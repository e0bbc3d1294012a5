package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The JSON shapes the API returns; the domain's records stay free of wire concerns. */
final class Views {
    private Views() {}

    record JobView(
            String jobId,
            String status,
            String pipeline,
            int hopsDone,
            int hopCount,
            Optional<String> result,
            Optional<String> failureReason,
            Tokens tokens,
            String costUsd,
            List<HopView> hops,
            String correlationId,
            Optional<String> batchId,
            String priority,
            Instant createdAt,
            Instant updatedAt) {}

    record HopView(
            int hop,
            String model,
            String modelId,
            List<String> fallbacks,
            boolean cacheHit,
            Tokens tokens,
            String costUsd,
            long durationMs) {}

    record Tokens(long input, long output, long cachedInput) {}

    record Accepted(String jobId, String status, String correlationId, String statusUrl, String traceUrl) {}

    record BatchView(
            String batchId, String pipeline, int total, int succeeded, int failed, boolean done, List<String> jobIds) {}

    record TraceView(String jobId, List<HopTrace> hops) {}

    static JobView job(Job job) {
        return new JobView(
                job.id().value(),
                job.status().name(),
                job.pipeline(),
                job.hops().size(),
                job.hopCount(),
                job.result(),
                job.failureReason(),
                tokens(job.totalUsage()),
                job.totalCost().usd().toPlainString(),
                job.hops().stream().map(Views::hop).toList(),
                job.correlationId().value(),
                job.batchId().map(b -> b.value()),
                job.priority().wireName(),
                job.createdAt(),
                job.updatedAt());
    }

    static HopView hop(HopRecord h) {
        return new HopView(
                h.hop(),
                h.model(),
                h.modelId(),
                h.fallbacks(),
                h.cacheHit(),
                tokens(h.usage()),
                h.cost().usd().toPlainString(),
                h.duration().toMillis());
    }

    static Tokens tokens(dev.sluice.domain.model.TokenUsage u) {
        return new Tokens(u.input(), u.output(), u.cachedInput());
    }

    static Accepted accepted(Job job) {
        String base = "/v1/jobs/" + job.id().value();
        return new Accepted(
                job.id().value(), job.status().name(), job.correlationId().value(), base, base + "/trace");
    }

    static BatchView batch(Batch b) {
        return new BatchView(
                b.id().value(),
                b.pipeline(),
                b.total(),
                b.succeeded(),
                b.failed(),
                b.isDone(),
                b.jobs().stream().map(j -> j.value()).toList());
    }
}
