package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One hop's trace as it sits in S3 ({@code traces/{jobId}/hop-{n}.json}), the shape it has had since before the
 * domain's trace held its hop's record: one object whatever the ending. What a hop that failed never had (a
 * response, a model id) is left out, and what it did not get to (its prompts, its model) too; {@code errors} is left
 * out when nothing failed. An answered hop's record is read back without its outputs, which the trace never held,
 * and as a hit told to the tenant when it was a hit without usage, as every such hit is.
 */
record HopTraceWire(
        @JsonProperty(required = true) String jobId,
        @JsonProperty(required = true) String correlationId,
        @JsonProperty(required = true) int hop,
        List<ChunkWire> retrieved,
        String system,
        String prompt,
        String response,
        String raw,
        String model,
        String modelId,
        List<String> fallbacks,
        @JsonProperty(required = true) boolean cacheHit,
        UsageWire usage,
        BigDecimal cost,
        Instant startedAt,
        Duration duration,
        List<String> errors,
        SemanticWire semantic) {
    static HopTraceWire from(HopTrace t) {
        HopTrace.Call call = t.call();
        return new HopTraceWire(
                t.jobId().value(),
                t.correlationId().value(),
                t.hop(),
                t.retrieved().stream().map(ChunkWire::from).toList(),
                t.system().orElse(null),
                t.prompt().orElse(null),
                call.response().orElse(null),
                call.raw().orElse(null),
                call.model().orElse(null),
                call.modelId().orElse(null),
                call.fallbacks(),
                call.cacheHit(),
                call.usage().map(UsageWire::from).orElse(null),
                call.cost().map(Cost::usd).orElse(null),
                call.startedAt().orElse(null),
                call.duration().orElse(null),
                t.errors().isEmpty() ? null : t.errors(),
                t.ending() instanceof HopTrace.Answered a
                        ? a.record().semantic().map(SemanticWire::from).orElse(null)
                        : null);
    }

    HopTrace toDomain() {
        List<RetrievedChunk> chunks =
                WireJson.orEmpty(retrieved).stream().map(ChunkWire::toDomain).toList();
        return WireJson.build(
                "hop trace",
                () -> new HopTrace(
                        new JobId(jobId),
                        new CorrelationId(correlationId),
                        hop,
                        chunks,
                        Optional.ofNullable(system),
                        Optional.ofNullable(prompt),
                        ending(),
                        WireJson.orEmpty(errors)));
    }

    /**
     * With a response the hop answered; without one, a trace as sluice records a failure (nothing used, paid or hit
     * from the cache, no model id, but timings) is a failure; any other is kept as it reads.
     */
    private HopTrace.Ending ending() {
        Optional<TokenUsage> used = Optional.ofNullable(usage).map(UsageWire::toDomain);
        Optional<Cost> paid = Optional.ofNullable(cost).map(Cost::new);
        if (response != null) {
            TokenUsage u = used.orElseThrow(() -> new IllegalArgumentException("an answered hop has a usage"));
            return new HopTrace.Answered(
                    new HopRecord(
                            hop,
                            Map.of(),
                            model,
                            modelId,
                            WireJson.orEmpty(fallbacks),
                            cacheHit && u.equals(TokenUsage.ZERO),
                            u,
                            paid.orElseThrow(() -> new IllegalArgumentException("an answered hop has a cost")),
                            startedAt,
                            duration,
                            Optional.empty(),
                            Optional.ofNullable(semantic).map(SemanticWire::toDomain)),
                    response,
                    raw == null ? "" : raw,
                    cacheHit);
        }
        String alias = model == null ? "" : model;
        if (modelId == null
                && raw == null
                && WireJson.orEmpty(fallbacks).isEmpty()
                && !cacheHit
                && used.equals(Optional.of(TokenUsage.ZERO))
                && paid.equals(Optional.of(Cost.ZERO))
                && startedAt != null
                && duration != null) {
            return new HopTrace.Failed(alias, startedAt, duration);
        }
        return new HopTrace.Unknown(
                alias,
                WireJson.orEmpty(fallbacks),
                cacheHit,
                used,
                paid,
                Optional.ofNullable(startedAt),
                Optional.ofNullable(duration));
    }

    record ChunkWire(
            @JsonProperty(required = true) String id,
            @JsonProperty(required = true) String documentId,
            @JsonProperty(required = true) String text,
            @JsonProperty(required = true) double score,
            Map<String, String> metadata) {
        static ChunkWire from(RetrievedChunk c) {
            return new ChunkWire(c.id(), c.documentId(), c.text(), c.score(), c.metadata());
        }

        RetrievedChunk toDomain() {
            return WireJson.build(
                    "retrieved chunk",
                    () -> new RetrievedChunk(id, documentId, text, score, WireJson.orEmpty(metadata)));
        }
    }
}
