package dev.sluice.domain.port;

import dev.sluice.domain.model.Completion;
import java.time.Duration;
import java.util.Optional;

/**
 * Exact-match cache of model answers, keyed by a hash of model, parameters and rendered prompt.
 *
 * <p>Contract: an entry is returned only until its time to live has passed, whether or not the backing store has
 * removed it yet; {@code put} overwrites. A hit holds the answer, its usage, model and finish reason, but not the
 * provider's raw response ({@link Completion#raw()} is empty): that is kept in the trace of the call that paid for
 * it, and keeping it here too would store every answer twice and double what each cached call writes. Failures:
 * {@link TransientException} (callers treat a failed read as a miss).
 */
public interface CompletionCache {
    Optional<Completion> get(String key);

    void put(String key, Completion completion, Duration ttl);
}
