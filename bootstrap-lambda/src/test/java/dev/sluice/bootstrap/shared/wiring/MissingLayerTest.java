package dev.sluice.bootstrap.shared.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A function whose stack chose a part its zip does not carry says which layer it lacks, not only a class name. */
class MissingLayerTest {
    @Test
    void aMissingClientNamesTheLayerThatCarriesIt() {
        assertThatThrownBy(() -> RetrievalModule.fromLayer("SLUICE_VECTOR_STORE", "pinecone", () -> {
                    throw new NoClassDefFoundError("io/pinecone/clients/Pinecone");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SLUICE_VECTOR_STORE is pinecone, but this function has no pinecone libraries"
                        + " (io/pinecone/clients/Pinecone is missing): attach the layer sluice-layer-pinecone.zip"
                        + " (pulumi up does when the stack's configuration chooses pinecone)");
        assertThatThrownBy(() -> RetrievalModule.fromLayer("SLUICE_EMBEDDER", "minilm", () -> {
                    throw new NoClassDefFoundError("ai/onnxruntime/OrtException");
                }))
                .hasMessageContaining("attach the layer sluice-layer-minilm-<architecture>.zip");
    }

    @Test
    void aPartThatIsThereIsBuilt() {
        assertThat(RetrievalModule.fromLayer("SLUICE_EMBEDDER", "openai", () -> "built"))
                .isEqualTo("built");
    }
}
