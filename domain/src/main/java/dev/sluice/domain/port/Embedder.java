package dev.sluice.domain.port;

import java.util.List;

/**
 * Turns texts into vectors.
 *
 * <p>Contract: returns one vector of {@link #dimension()} floats per text, in order; the same text always gives
 * the same vector. Failures: {@link TransientException}, {@link ThrottledException}, {@link PermanentException}.
 */
public interface Embedder {
    List<float[]> embed(List<String> texts);

    int dimension();
}
