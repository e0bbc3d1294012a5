package dev.sluice.bootstrap.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dagger.Lazy;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.VectorStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LazyEmbedder} and {@link LazyVectorStore}: nothing is built until used, then every call goes through. */
class LazyPortsTest {
    private static <T> Lazy<T> counting(T value, AtomicInteger gets) {
        return () -> {
            gets.incrementAndGet();
            return value;
        };
    }

    @Test
    void theEmbedderIsBuiltOnlyWhenUsed() {
        AtomicInteger gets = new AtomicInteger();
        Embedder real = new HashingEmbedder(8);
        LazyEmbedder lazy = new LazyEmbedder(counting(real, gets));
        assertThat(gets).hasValue(0);

        assertThat(lazy.dimension()).isEqualTo(real.dimension());
        assertThat(lazy.embed(List.of("a", "b"))).usingRecursiveComparison().isEqualTo(real.embed(List.of("a", "b")));
        assertThat(gets).hasValue(2);
    }

    @Test
    void theStoreIsOpenedOnlyWhenUsedAndEveryOperationReachesIt() {
        AtomicInteger gets = new AtomicInteger();
        InMemoryVectorStore real = new InMemoryVectorStore();
        LazyVectorStore lazy = new LazyVectorStore(counting(real, gets));
        assertThat(gets).hasValue(0);

        IndexSpec docs = new IndexSpec("docs", 2, 100, 10);
        lazy.ensureIndex(docs);
        lazy.upsert("docs", List.of(new Chunk("c1", Fixtures.TENANT, "d1", "text", new float[] {1, 0}, Map.of())));
        assertThat(real.size("docs")).isEqualTo(1);
        assertThat(lazy.search("docs", new VectorStore.Query(Fixtures.TENANT, new float[] {1, 0}, 1, Map.of())))
                .hasSize(1);
        lazy.deleteDocument("docs", Fixtures.TENANT, "d1");
        assertThat(real.size("docs")).isZero();
        assertThat(gets).hasValue(4);
    }
}
