package dev.sluice.adapter.retrieval.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.sluice.domain.port.Embedder;
import java.util.List;

/**
 * The quantized all-MiniLM-L6-v2 model run in-process by ONNX Runtime: 384 dimensions, no network, no key; the
 * default embedder. Loading the model takes a second or so, so build one per process.
 */
public final class MiniLmEmbedder implements Embedder {
    public static final int DIMENSION = 384;

    private final LangChainEmbeddings embeddings;

    public MiniLmEmbedder(int batchSize) {
        this.embeddings = new LangChainEmbeddings(
                "all-MiniLM-L6-v2", new AllMiniLmL6V2QuantizedEmbeddingModel(), DIMENSION, batchSize);
    }

    public MiniLmEmbedder() {
        this(32);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return embeddings.embed(texts);
    }

    @Override
    public int dimension() {
        return embeddings.dimension();
    }
}
