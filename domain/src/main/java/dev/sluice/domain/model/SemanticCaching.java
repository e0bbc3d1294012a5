package dev.sluice.domain.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A generate step's semantic cache ({@code cache: semantic}): a prompt whose inputs say what an earlier prompt's said,
 * in other words, is answered with that answer. Only within the same tenant, pipeline, step and model, and only when
 * everything else the prompt holds (its template, the system prompt, retrieved chunks, earlier steps' outputs) is the
 * same; only when the inputs' embeddings are at least {@code threshold} alike (cosine) and their words agree on every
 * number, name and negation ({@code SemanticGuard}). The exact-match cache is asked first.
 *
 * @param ttl how long an answer serves later prompts; at most the engine's {@code cacheTtl}, which it defaults to
 */
public record SemanticCaching(double threshold, Optional<Duration> ttl) {
    /**
     * The threshold the committed evaluation chose (README, "Semantic cache"): every near miss of its set is refused
     * (by the guard, and below this by similarity), and most paraphrases are answered.
     */
    public static final double DEFAULT_THRESHOLD = 0.85;

    public static final SemanticCaching DEFAULT = new SemanticCaching(DEFAULT_THRESHOLD, Optional.empty());

    /**
     * The longest inputs (their text as compared, names included) the semantic cache considers. Embedders see a few
     * hundred tokens (MiniLM 256 word pieces, some 600 to 1,000 characters) and drop the rest, so two long inputs
     * alike in their first page would embed as one; a question is short, and longer inputs have the exact cache only.
     */
    public static final int MAX_INPUT_CHARS = 600;

    public SemanticCaching {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("'threshold' must be above 0 and at most 1 (got " + threshold + ")");
        }
        Objects.requireNonNull(ttl, "'ttl' must not be null");
        ttl.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("'ttl' must be positive");
            }
        });
    }
}
