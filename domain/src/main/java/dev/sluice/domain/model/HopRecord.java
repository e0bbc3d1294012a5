package dev.sluice.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one hop produced, memoised on the job before the next message is sent, so a redelivered message never
 * pays for the model call again.
 *
 * @param outputs step name to output text: the hop's answer, and each of its retrievals that a later hop reads
 * @param model the alias that answered (after fallbacks)
 * @param modelId the provider's model id that answered
 * @param fallbacks aliases tried before the one that answered, with why each was skipped
 * @param traceAt where the trace store keeps this hop's trace, in the store's own terms ({@link
 *     dev.sluice.domain.port.TraceStore#place}); empty when the store finds a trace by job and hop alone
 * @param batched answered through the provider's batch API, at its batch prices
 * @param semantic when the semantic cache answered ({@code cacheHit} too): how alike, and from which job
 */
public record HopRecord(
        int hop,
        Map<String, String> outputs,
        String model,
        String modelId,
        List<String> fallbacks,
        boolean cacheHit,
        TokenUsage usage,
        Cost cost,
        Instant startedAt,
        Duration duration,
        Optional<String> traceAt,
        Optional<SemanticHit> semantic,
        boolean batched) {
    public HopRecord {
        if (hop < 0) {
            throw new IllegalArgumentException("'hop' must not be negative");
        }
        outputs = Map.copyOf(outputs);
        Objects.requireNonNull(model, "'model' must not be null");
        Objects.requireNonNull(modelId, "'modelId' must not be null");
        fallbacks = List.copyOf(fallbacks);
        Objects.requireNonNull(usage, "'usage' must not be null");
        Objects.requireNonNull(cost, "'cost' must not be null");
        Objects.requireNonNull(startedAt, "'startedAt' must not be null");
        Objects.requireNonNull(duration, "'duration' must not be null");
        Objects.requireNonNull(traceAt, "'traceAt' must not be null");
        Objects.requireNonNull(semantic, "'semantic' must not be null");
    }

    /** A hop answered live (or from a cache). */
    public HopRecord(
            int hop,
            Map<String, String> outputs,
            String model,
            String modelId,
            List<String> fallbacks,
            boolean cacheHit,
            TokenUsage usage,
            Cost cost,
            Instant startedAt,
            Duration duration,
            Optional<String> traceAt,
            Optional<SemanticHit> semantic) {
        this(
                hop, outputs, model, modelId, fallbacks, cacheHit, usage, cost, startedAt, duration, traceAt, semantic,
                false);
    }

    /** A hop not answered by the semantic cache. */
    public HopRecord(
            int hop,
            Map<String, String> outputs,
            String model,
            String modelId,
            List<String> fallbacks,
            boolean cacheHit,
            TokenUsage usage,
            Cost cost,
            Instant startedAt,
            Duration duration,
            Optional<String> traceAt) {
        this(
                hop,
                outputs,
                model,
                modelId,
                fallbacks,
                cacheHit,
                usage,
                cost,
                startedAt,
                duration,
                traceAt,
                Optional.empty());
    }

    /** A hop whose trace is found by job and hop alone. */
    public HopRecord(
            int hop,
            Map<String, String> outputs,
            String model,
            String modelId,
            List<String> fallbacks,
            boolean cacheHit,
            TokenUsage usage,
            Cost cost,
            Instant startedAt,
            Duration duration) {
        this(hop, outputs, model, modelId, fallbacks, cacheHit, usage, cost, startedAt, duration, Optional.empty());
    }
}
