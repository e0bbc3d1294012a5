package dev.sluice.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an operator needs to understand one hop: what was retrieved, the exact prompt, and how the hop ended
 * (the raw response, which model answered and what it cost; or that it failed). Provider keys never appear here.
 *
 * @param system the rendered system prompt (often empty); absent when the hop failed before its model step
 * @param prompt the rendered prompt; absent when the hop failed before its model step
 * @param errors what failed along the way, in the dependencies' own words: a fallback model's refusal, or the
 *     failure that ended the job at this hop. For operators only: a job's reason says the step and the kind of
 *     failure, this says what the provider answered.
 */
public record HopTrace(
        JobId jobId,
        CorrelationId correlationId,
        int hop,
        List<RetrievedChunk> retrieved,
        Optional<String> system,
        Optional<String> prompt,
        Ending ending,
        List<String> errors) {
    public HopTrace {
        Objects.requireNonNull(jobId, "'jobId' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        retrieved = List.copyOf(retrieved);
        Objects.requireNonNull(system, "'system' must not be null");
        Objects.requireNonNull(prompt, "'prompt' must not be null");
        Objects.requireNonNull(ending, "'ending' must not be null");
        errors = List.copyOf(errors);
        if (ending instanceof Answered a) {
            if (a.record().hop() != hop) {
                throw new IllegalArgumentException(
                        "the record of hop " + a.record().hop() + " is not hop " + hop);
            }
            if (system.isEmpty() || prompt.isEmpty()) {
                throw new IllegalArgumentException("an answered hop has its rendered system prompt and prompt");
            }
        }
    }

    /** How a hop ended. */
    public sealed interface Ending permits Answered, Failed, Unknown {}

    /**
     * The model answered and the hop was memoised.
     *
     * @param record the hop as memoised on the job: the tenant's view of it, which calls a hit on another tenant's
     *     cache entry an answer
     * @param raw the provider's response body where the adapter has it (may be empty)
     * @param cacheHit whether the answer came from the cache, whoever's entry it was: the operator's truth
     */
    public record Answered(HopRecord record, String response, String raw, boolean cacheHit) implements Ending {
        public Answered {
            Objects.requireNonNull(record, "'record' must not be null");
            Objects.requireNonNull(response, "'response' must not be null");
            Objects.requireNonNull(raw, "'raw' must not be null");
        }
    }

    /**
     * The hop failed the job: {@link #errors()} say how. Its trace records no answer, usage or price.
     *
     * @param model the alias the hop's model step called; empty when it failed before that step
     */
    public record Failed(String model, Instant startedAt, Duration duration) implements Ending {
        public Failed {
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(startedAt, "'startedAt' must not be null");
            Objects.requireNonNull(duration, "'duration' must not be null");
        }
    }

    /**
     * Neither: a stored trace with no response that is not what sluice records for a failure (it has a usage, a
     * price or a cache hit, or no timings). sluice never records one; a store keeps what it read of it (all but a
     * model id or a raw body, which only an answer has), so that it writes back unchanged. Each part it does not
     * have is empty.
     */
    public record Unknown(
            String model,
            List<String> fallbacks,
            boolean cacheHit,
            Optional<TokenUsage> usage,
            Optional<Cost> cost,
            Optional<Instant> startedAt,
            Optional<Duration> duration)
            implements Ending {
        public Unknown {
            Objects.requireNonNull(model, "'model' must not be null");
            fallbacks = List.copyOf(fallbacks);
            Objects.requireNonNull(usage, "'usage' must not be null");
            Objects.requireNonNull(cost, "'cost' must not be null");
            Objects.requireNonNull(startedAt, "'startedAt' must not be null");
            Objects.requireNonNull(duration, "'duration' must not be null");
        }
    }

    /**
     * What this trace says of its model call, whatever its ending, each part absent where the ending has nothing to
     * say: the flat shape a store or a view writes.
     *
     * @param cacheHit the operator's truth (a hit on another tenant's shared entry included)
     * @param toldHit what the job's tenant was told: only hits on entries it may know of
     */
    public record Call(
            Optional<String> response,
            Optional<String> raw,
            Optional<String> model,
            Optional<String> modelId,
            List<String> fallbacks,
            boolean cacheHit,
            boolean toldHit,
            Optional<TokenUsage> usage,
            Optional<Cost> cost,
            Optional<Instant> startedAt,
            Optional<Duration> duration) {}

    public Call call() {
        return switch (ending) {
            case Answered a ->
                new Call(
                        Optional.of(a.response()),
                        Optional.of(a.raw()),
                        Optional.of(a.record().model()),
                        Optional.of(a.record().modelId()),
                        a.record().fallbacks(),
                        a.cacheHit(),
                        a.record().cacheHit(),
                        Optional.of(a.record().usage()),
                        Optional.of(a.record().cost()),
                        Optional.of(a.record().startedAt()),
                        Optional.of(a.record().duration()));
            case Failed f ->
                new Call(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(f.model()).filter(m -> !m.isEmpty()),
                        Optional.empty(),
                        List.of(),
                        false,
                        false,
                        Optional.of(TokenUsage.ZERO),
                        Optional.of(Cost.ZERO),
                        Optional.of(f.startedAt()),
                        Optional.of(f.duration()));
            case Unknown u ->
                new Call(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(u.model()).filter(m -> !m.isEmpty()),
                        Optional.empty(),
                        u.fallbacks(),
                        u.cacheHit(),
                        u.cacheHit(),
                        u.usage(),
                        u.cost(),
                        u.startedAt(),
                        u.duration());
        };
    }

    public Optional<Answered> answered() {
        return ending instanceof Answered a ? Optional.of(a) : Optional.empty();
    }

    /** This trace without {@link #errors()}: what may be shown to anyone but an operator. */
    public HopTrace withoutErrors() {
        return errors.isEmpty()
                ? this
                : new HopTrace(jobId, correlationId, hop, retrieved, system, prompt, ending, List.of());
    }
}
