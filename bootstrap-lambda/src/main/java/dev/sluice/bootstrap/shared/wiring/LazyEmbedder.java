package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dev.sluice.domain.port.Embedder;
import java.util.List;

/** An {@link Embedder} built on its first use: a graph that never embeds (the dispatcher's) never loads a model. */
final class LazyEmbedder implements Embedder {
    private final Lazy<Embedder> embedder;

    LazyEmbedder(Lazy<Embedder> embedder) {
        this.embedder = embedder;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return embedder.get().embed(texts);
    }

    @Override
    public int dimension() {
        return embedder.get().dimension();
    }
}
