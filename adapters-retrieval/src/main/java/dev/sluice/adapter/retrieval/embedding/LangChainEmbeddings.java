package dev.sluice.adapter.retrieval.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What every LangChain4j-backed embedder shares: texts in batches, each result checked against the declared
 * dimension, and failures classified once into the domain's exceptions.
 */
final class LangChainEmbeddings {
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final String name;
    private final EmbeddingModel model;
    private final int dimension;
    private final int batchSize;

    LangChainEmbeddings(String name, EmbeddingModel model, int dimension, int batchSize) {
        if (dimension < 1) {
            throw new IllegalArgumentException("'dimension' must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("'batchSize' must be at least 1");
        }
        this.name = name;
        this.model = model;
        this.dimension = dimension;
        this.batchSize = batchSize;
    }

    int dimension() {
        return dimension;
    }

    List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize)).stream()
                    .map(TextSegment::from)
                    .toList();
            List<Embedding> embeddings = call(batch);
            if (embeddings.size() != batch.size()) {
                throw new PermanentException(
                        name + " returned " + embeddings.size() + " embeddings for " + batch.size() + " texts", null);
            }
            for (Embedding e : embeddings) {
                if (e.dimension() != dimension) {
                    throw new PermanentException(
                            name + " returned " + e.dimension() + "-dimensional vectors but is configured for "
                                    + dimension,
                            null);
                }
                out.add(e.vector());
            }
        }
        return out;
    }

    private List<Embedding> call(List<TextSegment> batch) {
        try {
            return model.embedAll(batch).content();
        } catch (RuntimeException e) {
            throw classify(name, e);
        }
    }

    static PortException classify(String name, RuntimeException e) {
        String message = name + " embedding failed: " + e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException) {
                return new ThrottledException(message, DEFAULT_RETRY_AFTER, e);
            }
            if (t instanceof RetriableException) {
                return new TransientException(message, e);
            }
            if (t instanceof NonRetriableException) {
                return new PermanentException(message, e);
            }
            if (t instanceof SdkServiceException s) {
                if (s.isThrottlingException() || s.statusCode() == 429) {
                    return new ThrottledException(message, DEFAULT_RETRY_AFTER, e);
                }
                return s.statusCode() >= 500 ? new TransientException(message, e) : new PermanentException(message, e);
            }
            if (t instanceof SdkClientException || t instanceof java.io.IOException) {
                return new TransientException(message, e);
            }
        }
        return e instanceof LangChain4jException
                ? new PermanentException(message, e)
                : new TransientException(message, e);
    }
}
