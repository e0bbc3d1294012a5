package dev.sluice.emulators.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.StatusRuntimeException;
import io.pinecone.clients.Index;
import io.pinecone.configs.PineconeConfig;
import io.pinecone.configs.PineconeConnection;
import io.pinecone.unsigned_indices_model.ScoredVectorWithUnsignedIndices;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real Pinecone client against the fake, over loopback gRPC. */
class PineconeFakeTest {
    private final PineconeFake fake = PineconeFake.start(2, "key");
    private final Index index = client("key");

    private Index client(String apiKey) {
        PineconeConfig config = new PineconeConfig(apiKey);
        config.setHost(fake.host());
        config.setTLSEnabled(false);
        return new Index(config, new PineconeConnection(config), "test");
    }

    @AfterEach
    void stop() {
        index.close();
        fake.close();
    }

    private static Struct meta(String key, String value) {
        return Struct.newBuilder()
                .putFields(key, Value.newBuilder().setStringValue(value).build())
                .build();
    }

    @Test
    void queriesAreScopedToTheNamespaceFilteredAndRankedByCosine() {
        index.upsert("a", List.of(1f, 0f), null, null, meta("lang", "en"), "ns1");
        index.upsert("b", List.of(0.7f, 0.7f), null, null, meta("lang", "de"), "ns1");
        index.upsert("c", List.of(0f, 1f), null, null, meta("lang", "en"), "ns1");
        index.upsert("x", List.of(1f, 0f), null, null, meta("lang", "en"), "ns2");

        var all = index.query(3, List.of(1f, 0f), null, null, null, "ns1", null, false, true);
        assertThat(all.getMatchesList())
                .extracting(ScoredVectorWithUnsignedIndices::getId)
                .containsExactly("a", "b", "c");
        assertThat(all.getMatchesList().getFirst().getScore())
                .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));

        Struct en = Struct.newBuilder()
                .putFields(
                        "lang",
                        Value.newBuilder().setStructValue(meta("$eq", "en")).build())
                .build();
        var filtered = index.query(3, List.of(1f, 0f), null, null, null, "ns1", en, false, true);
        assertThat(filtered.getMatchesList())
                .extracting(ScoredVectorWithUnsignedIndices::getId)
                .containsExactly("a", "c");

        index.deleteByFilter(en, "ns1");
        assertThat(fake.count("ns1")).isEqualTo(1);
        assertThat(fake.count("ns2")).isEqualTo(1);
        assertThat(index.describeIndexStats().getDimension()).isEqualTo(2);
    }

    @Test
    void wrongDimensionsAndWrongKeysAreRefusedAsPineconeRefusesThem() {
        assertThatThrownBy(() -> index.upsert("a", List.of(1f, 0f, 0f), null, null, null, "ns"))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("dimension 3");
        Index wrong = client("other");
        try {
            assertThatThrownBy(wrong::describeIndexStats).hasMessageContaining("UNAUTHENTICATED");
        } finally {
            wrong.close();
        }
    }
}
