package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.SemanticHit;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.usecase.QueryUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON shapes the API returns, one record each, so that a domain record's Java shape never leaks onto the
 * wire: ids are strings, money a decimal string in US dollars ({@code costUsd}), tokens {@code {input, output,
 * cachedInput}}, durations whole milliseconds, instants ISO-8601; absent values are left out. README's API section
 * describes them; {@code src/test/resources/golden/} holds each.
 */
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
            Optional<String> mode,
            Optional<Instant> deadline,
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
            long durationMs,
            Optional<SemanticView> semantic,
            Optional<Boolean> batched) {}

    /** A hop the semantic cache answered: "semantic hit, similarity 0.97, answered from job job_...". */
    record SemanticView(double similarity, String fromJob, String note) {}

    record Tokens(long input, long output, long cachedInput) {}

    record UsageView(
            String tenant,
            LocalDate from,
            LocalDate to,
            UsageTotals total,
            Map<String, UsageTotals> byPipeline,
            Map<String, UsageTotals> byModel,
            Map<LocalDate, UsageTotals> byDay,
            List<UsageLine> lines,
            BudgetView budget) {}

    record UsageTotals(long calls, long inputTokens, long outputTokens, String costUsd) {}

    record UsageLine(
            LocalDate day,
            String pipeline,
            String model,
            long calls,
            long inputTokens,
            long outputTokens,
            String costUsd) {}

    /** Limits that are not set are left out; spent is what settled calls cost in the current day and month. */
    record BudgetView(Optional<PeriodView> daily, Optional<PeriodView> monthly, String overBudget) {}

    record PeriodView(String limitUsd, String spentUsd, Instant startsAgainAt) {}

    static UsageView usage(QueryUsage.Report r) {
        QueryUsage.Standing s = r.standing();
        Budget b = s.budget();
        return new UsageView(
                r.tenant().value(),
                r.from(),
                r.to(),
                totals(r.total()),
                mapValues(r.byPipeline()),
                mapValues(r.byModel()),
                mapValues(r.byDay()),
                r.lines().stream()
                        .map(l -> new UsageLine(
                                l.day(),
                                l.pipeline(),
                                l.model(),
                                l.calls(),
                                l.inputTokens(),
                                l.outputTokens(),
                                l.cost().usd().toPlainString()))
                        .toList(),
                new BudgetView(
                        b.daily()
                                .map(limit -> new PeriodView(
                                        limit.usd().toPlainString(),
                                        s.spentToday().usd().toPlainString(),
                                        s.dayStartsAgain())),
                        b.monthly()
                                .map(limit -> new PeriodView(
                                        limit.usd().toPlainString(),
                                        s.spentThisMonth().usd().toPlainString(),
                                        s.monthStartsAgain())),
                        b.overBudget().name().toLowerCase(java.util.Locale.ROOT)));
    }

    private static <K> Map<K, UsageTotals> mapValues(Map<K, QueryUsage.Totals> totals) {
        Map<K, UsageTotals> out = new java.util.LinkedHashMap<>();
        totals.forEach((k, v) -> out.put(k, totals(v)));
        return out;
    }

    private static UsageTotals totals(QueryUsage.Totals t) {
        return new UsageTotals(
                t.calls(), t.inputTokens(), t.outputTokens(), t.cost().usd().toPlainString());
    }

    record Accepted(String jobId, String status, String correlationId, String statusUrl, String traceUrl) {}

    record BatchView(
            String batchId, String pipeline, int total, int succeeded, int failed, boolean done, List<String> jobIds) {}

    /** A job's trace: one entry per hop that ran, in hop order. */
    record TraceView(String jobId, List<HopTraceView> hops) {}

    /**
     * One hop of a trace. What a hop that failed before its model answered never had (a response, a model id) is
     * left out; {@code errors}, what each failing dependency answered, only in the operator's view.
     */
    record HopTraceView(
            String jobId,
            String correlationId,
            int hop,
            List<ChunkView> retrieved,
            String system,
            String prompt,
            String response,
            String raw,
            String model,
            String modelId,
            List<String> fallbacks,
            boolean cacheHit,
            Tokens tokens,
            String costUsd,
            Instant startedAt,
            Long durationMs,
            List<String> errors,
            Optional<SemanticView> semantic) {}

    record ChunkView(String id, String documentId, String text, double score, Map<String, String> metadata) {}

    /** What {@code POST /v1/documents} answers. */
    record DocumentsAccepted(int accepted, int deletions, String correlationId) {}

    /** What {@code POST /v1/jobs/{id}/retry} answers. */
    record RetryOutcome(String jobId, String outcome, String message) {}

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
                job.batchId().map(BatchId::value),
                job.priority().wireName(),
                // Said only of a job that asked for the batch route itself.
                job.mode() == Mode.BATCH ? Optional.of(job.mode().wireName()) : Optional.empty(),
                job.deadline(),
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
                h.duration().toMillis(),
                h.semantic()
                        .map(hit -> new SemanticView(
                                Math.round(hit.similarity() * 1000) / 1000.0,
                                hit.fromJob().value(),
                                hit.describe())),
                // Said only of a hop the provider's batch API answered, at its batch prices.
                h.batched() ? Optional.of(true) : Optional.empty());
    }

    static Tokens tokens(TokenUsage u) {
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
                b.jobs().stream().map(JobId::value).toList());
    }

    /** The operator's trace: every hop with {@code errors} (empty when nothing failed). */
    static TraceView operatorTrace(JobId id, List<HopTrace> hops) {
        return new TraceView(
                id.value(), hops.stream().map(h -> hopTrace(h, h.errors())).toList());
    }

    /** A tenant's trace of its own job: no {@code errors}, which hold the providers' own words. */
    static TraceView tenantTrace(JobId id, List<HopTrace> hops) {
        return new TraceView(
                id.value(), hops.stream().map(h -> hopTrace(h, null)).toList());
    }

    private static HopTraceView hopTrace(HopTrace t, List<String> errors) {
        HopTrace.Call call = t.call();
        return new HopTraceView(
                t.jobId().value(),
                t.correlationId().value(),
                t.hop(),
                t.retrieved().stream().map(Views::chunk).toList(),
                t.system().orElse(null),
                t.prompt().orElse(null),
                call.response().orElse(null),
                call.raw().orElse(null),
                call.model().orElse(null),
                call.modelId().orElse(null),
                call.fallbacks(),
                // The operator's truth; a tenant is told only of hits on its own entries, as its job's hop.
                errors != null ? call.cacheHit() : call.toldHit(),
                call.usage().map(Views::tokens).orElse(null),
                call.cost().map(c -> c.usd().toPlainString()).orElse(null),
                call.startedAt().orElse(null),
                call.duration().map(Duration::toMillis).orElse(null),
                errors,
                t.ending() instanceof HopTrace.Answered a
                        ? a.record().semantic().map(Views::semantic)
                        : Optional.empty());
    }

    private static SemanticView semantic(SemanticHit hit) {
        return new SemanticView(
                Math.round(hit.similarity() * 1000) / 1000.0, hit.fromJob().value(), hit.describe());
    }

    private static ChunkView chunk(RetrievedChunk c) {
        // Sorted, so that one trace always reads the same.
        return new ChunkView(c.id(), c.documentId(), c.text(), c.score(), new TreeMap<>(c.metadata()));
    }
}
