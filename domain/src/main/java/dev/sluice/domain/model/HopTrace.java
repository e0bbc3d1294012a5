package dev.sluice.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything an operator needs to understand one hop: what was retrieved, the exact prompt, the raw response,
 * which model answered, and what it cost. Provider keys never appear here.
 */
public record HopTrace(
        JobId jobId,
        CorrelationId correlationId,
        int hop,
        List<RetrievedChunk> retrieved,
        String system,
        String prompt,
        String response,
        String raw,
        String model,
        String modelId,
        List<String> fallbacks,
        boolean cacheHit,
        TokenUsage usage,
        Cost cost,
        Instant startedAt,
        Duration duration) {
    public HopTrace {
        Objects.requireNonNull(jobId, "'jobId' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        retrieved = List.copyOf(retrieved);
        fallbacks = List.copyOf(fallbacks);
    }
}
