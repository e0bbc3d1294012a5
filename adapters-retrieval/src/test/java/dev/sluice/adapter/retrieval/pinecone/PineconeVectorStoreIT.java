package dev.sluice.adapter.retrieval.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.VectorStoreContract;
import dev.sluice.emulators.pinecone.PineconeFake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PineconeVectorStoreIT extends VectorStoreContract {
    private static final PineconeFake PINECONE = PineconeFake.start(4, "test-key");
    private static final PineconeVectorStore STORE =
            new PineconeVectorStore(new PineconeVectorStore.Settings(PINECONE.host(), "test-key", false, 100));

    @AfterAll
    static void stop() {
        STORE.close();
        PINECONE.close();
    }

    @Override
    protected VectorStore store() {
        return STORE;
    }

    @Test
    void eachTenantIsANamespaceAndUpsertsGoInBatches() {
        int before = PINECONE.requests("upsert");
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            chunks.add(new Chunk("c" + i, Fixtures.TENANT, "d", "t" + i, new float[] {1, i, 0, 0}, Map.of()));
        }
        chunks.add(new Chunk("z", Fixtures.OTHER_TENANT, "d", "z", new float[] {1, 0, 0, 0}, Map.of()));
        int inTenant = PINECONE.count(Fixtures.TENANT.value());
        store.upsert(index, chunks);
        assertThat(PINECONE.requests("upsert") - before).isEqualTo(4);
        assertThat(PINECONE.count(Fixtures.TENANT.value()) - inTenant).isEqualTo(250);
        store.deleteDocument(index, Fixtures.TENANT, "d");
        assertThat(PINECONE.count(Fixtures.TENANT.value())).isEqualTo(inTenant);
    }

    @Test
    void aPineconeIndexOfAnotherDimensionIsAClearError() {
        assertThatThrownBy(() -> store.ensureIndex(new IndexSpec("wide", 384, 400, 40)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("384")
                .hasMessageContaining("4-dimensional");
    }

    @Test
    void aWrongApiKeyIsAPermanentError() {
        try (PineconeVectorStore wrong =
                new PineconeVectorStore(new PineconeVectorStore.Settings(PINECONE.host(), "wrong", false, 100))) {
            assertThatThrownBy(() -> wrong.ensureIndex(new IndexSpec("x", 4, 400, 40)))
                    .isInstanceOf(PermanentException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
        }
    }
}
