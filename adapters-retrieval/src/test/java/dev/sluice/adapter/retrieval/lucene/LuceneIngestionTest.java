package dev.sluice.adapter.retrieval.lucene;

import dev.sluice.adapter.retrieval.corpus.IngestionScenarios;
import dev.sluice.domain.port.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LuceneIngestionTest extends IngestionScenarios {
    @TempDir
    Path dir;

    @Override
    protected VectorStore store() {
        return new LuceneVectorStore(new LuceneVectorStore.Settings(dir));
    }
}
