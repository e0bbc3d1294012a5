package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One completed hop in a job's memo. */
record HopRecordWire(
        @JsonProperty(required = true) int hop,
        Map<String, String> outputs,
        @JsonProperty(required = true) String model,
        @JsonProperty(required = true) String modelId,
        List<String> fallbacks,
        @JsonProperty(required = true) boolean cacheHit,
        @JsonProperty(required = true) UsageWire usage,
        @JsonProperty(required = true) BigDecimal cost,
        @JsonProperty(required = true) Instant startedAt,
        @JsonProperty(required = true) Duration duration,
        String traceAt,
        SemanticWire semantic,
        Boolean batched) {
    static HopRecordWire from(HopRecord h) {
        return new HopRecordWire(
                h.hop(),
                h.outputs(),
                h.model(),
                h.modelId(),
                h.fallbacks(),
                h.cacheHit(),
                UsageWire.from(h.usage()),
                h.cost().usd(),
                h.startedAt(),
                h.duration(),
                h.traceAt().orElse(null),
                h.semantic().map(SemanticWire::from).orElse(null),
                // Only when true: a live hop's record is what it was before batch routes existed.
                h.batched() ? Boolean.TRUE : null);
    }

    HopRecord toDomain() {
        return WireJson.build(
                "hop record",
                () -> new HopRecord(
                        hop,
                        WireJson.orEmpty(outputs),
                        model,
                        modelId,
                        WireJson.orEmpty(fallbacks),
                        cacheHit,
                        usage.toDomain(),
                        new Cost(cost),
                        startedAt,
                        duration,
                        java.util.Optional.ofNullable(traceAt),
                        java.util.Optional.ofNullable(semantic).map(SemanticWire::toDomain),
                        Boolean.TRUE.equals(batched)));
    }
}
