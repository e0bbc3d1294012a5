package dev.sluice.domain.engine;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.VectorStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A hop's retrieval steps: the query rendered, embedded, and searched in the job's tenant's part of the index; the
 * chunks numbered for the prompt, so an answer can cite them.
 */
final class Retrieval {
    private final Embedder embedder;
    private final VectorStore vectors;

    Retrieval(Embedder embedder, VectorStore vectors) {
        this.embedder = Objects.requireNonNull(embedder, "'embedder' must not be null");
        this.vectors = Objects.requireNonNull(vectors, "'vectors' must not be null");
    }

    /**
     * @param calling told which dependency is about to be called ({@code the embedder}), and {@code null} once done,
     *     so a failure can name it
     */
    List<RetrievedChunk> search(
            Step.Retrieve step, Envelope envelope, Map<String, String> bindings, Consumer<String> calling) {
        String query = step.query().render(bindings);
        calling.accept("the embedder");
        float[] vector = embedder.embed(List.of(query)).getFirst();
        calling.accept("the vector store (index '" + step.index() + "')");
        List<RetrievedChunk> found = vectors.search(
                step.index(), new VectorStore.Query(envelope.tenant(), vector, step.topK(), step.filter()));
        calling.accept(null);
        return found;
    }

    /** Retrieved chunks as the prompt sees them: numbered, so an answer can cite them. */
    static String context(List<RetrievedChunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            if (i > 0) {
                text.append("\n\n");
            }
            text.append('[')
                    .append(i + 1)
                    .append("] ")
                    .append(chunks.get(i).text().strip());
        }
        return text.toString();
    }
}
