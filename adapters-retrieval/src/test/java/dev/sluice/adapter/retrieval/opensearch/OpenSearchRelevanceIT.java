package dev.sluice.adapter.retrieval.opensearch;

import dev.sluice.adapter.retrieval.corpus.RelevanceContract;
import dev.sluice.domain.port.VectorStore;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchRelevanceIT extends RelevanceContract {
    @Override
    protected VectorStore store() {
        return OpenSearchNodeExtension.store();
    }
}
