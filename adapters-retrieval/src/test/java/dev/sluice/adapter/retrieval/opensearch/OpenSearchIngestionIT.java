package dev.sluice.adapter.retrieval.opensearch;

import dev.sluice.adapter.retrieval.corpus.IngestionScenarios;
import dev.sluice.domain.port.VectorStore;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchIngestionIT extends IngestionScenarios {
    @Override
    protected VectorStore store() {
        return OpenSearchNodeExtension.store();
    }
}
