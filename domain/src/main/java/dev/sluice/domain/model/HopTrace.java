package dev.sluice.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything an operator needs to understand one hop: what was retrieved, the exact prompt, the raw response,
 * which model answered, and what it cost. Provider keys never appear here.
 *
 * @param errors what failed along the way, in the dependencies' own words: a fallback model's refusal, or the
 *     failure that ended the job at this hop (then there is no response). For operators only: a job's reason says
 *     the step and the kind of failure, this says what the provider answered.
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
        Duration duration,
        List<String> errors) {
    public HopTrace {
        Objects.requireNonNull(jobId, "'jobId' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        retrieved = List.copyOf(retrieved);
        fallbacks = List.copyOf(fallbacks);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A hop's trace with nothing failed along the way. */
    public HopTrace(
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
        this(
                jobId,
                correlationId,
                hop,
                retrieved,
                system,
                prompt,
                response,
                raw,
                model,
                modelId,
                fallbacks,
                cacheHit,
                usage,
                cost,
                startedAt,
                duration,
                List.of());
    }

    /** This trace without {@link #errors()}: what may be shown to anyone but an operator. */
    public HopTrace withoutErrors() {
        return errors.isEmpty()
                ? this
                : new HopTrace(
                        jobId,
                        correlationId,
                        hop,
                        retrieved,
                        system,
                        prompt,
                        response,
                        raw,
                        model,
                        modelId,
                        fallbacks,
                        cacheHit,
                        usage,
                        cost,
                        startedAt,
                        duration,
                        List.of());
    }
}
