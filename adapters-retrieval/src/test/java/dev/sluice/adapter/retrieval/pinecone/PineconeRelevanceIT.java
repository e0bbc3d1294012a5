package dev.sluice.adapter.retrieval.pinecone;

import dev.sluice.adapter.retrieval.corpus.RelevanceContract;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.emulators.pinecone.PineconeFake;
import org.junit.jupiter.api.AfterAll;

class PineconeRelevanceIT extends RelevanceContract {
    private static final PineconeFake PINECONE = PineconeFake.start(384, "k");
    private static final PineconeVectorStore STORE =
            new PineconeVectorStore(new PineconeVectorStore.Settings(PINECONE.host(), "k", false, 100));

    @AfterAll
    static void stop() {
        STORE.close();
        PINECONE.close();
    }

    @Override
    protected VectorStore store() {
        return STORE;
    }
}
