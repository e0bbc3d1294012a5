package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One hop's trace as it sits in S3 ({@code traces/{jobId}/hop-{n}.json}). What a hop that failed early never had
 * (a response, usage, cost, timings) is left out; {@code errors} is left out when nothing failed.
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
        List<String> errors) {
    static HopTraceWire from(HopTrace t) {
        return new HopTraceWire(
                t.jobId().value(),
                t.correlationId().value(),
                t.hop(),
                t.retrieved().stream().map(ChunkWire::from).toList(),
                t.system(),
                t.prompt(),
                t.response(),
                t.raw(),
                t.model(),
                t.modelId(),
                t.fallbacks(),
                t.cacheHit(),
                UsageWire.from(t.usage()),
                t.cost() == null ? null : t.cost().usd(),
                t.startedAt(),
                t.duration(),
                t.errors().isEmpty() ? null : t.errors());
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
                        system,
                        prompt,
                        response,
                        raw,
                        model,
                        modelId,
                        WireJson.orEmpty(fallbacks),
                        cacheHit,
                        usage == null ? null : usage.toDomain(),
                        cost == null ? null : new Cost(cost),
                        startedAt,
                        duration,
                        WireJson.orEmpty(errors)));
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
