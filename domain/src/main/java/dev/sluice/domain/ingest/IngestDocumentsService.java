package dev.sluice.domain.ingest;

import static dev.sluice.domain.usecase.InvalidInputException.invalid;
import static dev.sluice.domain.usecase.InvalidInputException.tooLarge;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.jobs.InputValidator;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IngestDocuments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chunks documents, skips chunks already seen in the request, embeds in batches and upserts with ids derived from
 * tenant, document and content: ingesting a document twice changes nothing, re-ingesting it replaces its chunks.
 */
public final class IngestDocumentsService implements IngestDocuments {
    static final Set<String> READABLE = Set.of("text/plain", "text/markdown");
    private static final int EMBED_BATCH = 32;

    private final SluiceConfig config;
    private final InputValidator validator;
    private final Embedder embedder;
    private final VectorStore vectors;
    private final WorkQueue ingestQueue;

    public IngestDocumentsService(SluiceConfig config, Embedder embedder, VectorStore vectors, WorkQueue ingestQueue) {
        this.config = config;
        this.validator = new InputValidator(config);
        this.embedder = embedder;
        this.vectors = vectors;
        this.ingestQueue = ingestQueue;
    }

    @Override
    public void enqueue(IngestRequest request) {
        validate(request);
        ingestQueue.send(request);
    }

    @Override
    public Report ingest(IngestRequest request) {
        IndexSpec index = validate(request);
        if (embedder.dimension() != index.dimension()) {
            throw new PermanentException(
                    "the embedder produces " + embedder.dimension() + "-dimensional vectors but index '" + index.name()
                            + "' holds " + index.dimension(),
                    null);
        }
        vectors.ensureIndex(index);
        for (int i = 0; i < request.deletions().size(); i++) {
            String id = request.deletions().get(i);
            refusedAs("delete[" + i + "]", () -> vectors.deleteDocument(index.name(), request.tenant(), id));
        }
        Chunker chunker = new Chunker(index.chunkSize(), index.chunkOverlap());
        int chunks = 0;
        int skipped = 0;
        for (int d = 0; d < request.documents().size(); d++) {
            Document document = request.documents().get(d);
            Map<String, String> byId = new LinkedHashMap<>();
            for (String text : chunker.split(document.text())) {
                String id = Hashes.sha256Hex(request.tenant().value(), document.id(), text)
                        .substring(0, 40);
                if (byId.putIfAbsent(id, text) != null) {
                    skipped++;
                }
            }
            List<Chunk> embedded = embed(request, document, byId);
            refusedAs("documents[" + d + "]", () -> {
                // Replace, not merge: chunks of an earlier version of this document must not linger.
                vectors.deleteDocument(index.name(), request.tenant(), document.id());
                vectors.upsert(index.name(), embedded);
            });
            chunks += embedded.size();
        }
        return new Report(
                request.documents().size(), chunks, skipped, request.deletions().size());
    }

    /**
     * A store's refusal ends this request only (the store is left as it was, by its contract), naming the item that
     * caused it; the id itself is not repeated, it may be the very thing that was too long to take.
     */
    private static void refusedAs(String item, Runnable write) {
        try {
            write.run();
        } catch (PermanentException e) {
            throw new PermanentException(item + ": " + e.getMessage(), e);
        }
    }

    private List<Chunk> embed(IngestRequest request, Document document, Map<String, String> byId) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(byId.entrySet());
        List<Chunk> out = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += EMBED_BATCH) {
            List<Map.Entry<String, String>> batch = entries.subList(from, Math.min(entries.size(), from + EMBED_BATCH));
            List<float[]> vectorsOut =
                    embedder.embed(batch.stream().map(Map.Entry::getValue).toList());
            for (int i = 0; i < batch.size(); i++) {
                Map<String, String> metadata = new HashMap<>(document.metadata());
                metadata.put("chunk", Integer.toString(from + i));
                out.add(new Chunk(
                        batch.get(i).getKey(),
                        request.tenant(),
                        document.id(),
                        batch.get(i).getValue(),
                        vectorsOut.get(i),
                        metadata));
            }
        }
        return out;
    }

    private IndexSpec validate(IngestRequest request) {
        IndexSpec index = config.index(request.index())
                .orElseThrow(() -> invalid(
                        "index",
                        "unknown index '" + request.index() + "' (known: "
                                + String.join(
                                        ", ", new TreeSet<>(config.indexes().keySet())) + ")"));
        var limits = config.inputLimits();
        if (request.documents().isEmpty() && request.deletions().isEmpty()) {
            throw invalid("documents", "nothing to ingest or delete");
        }
        if (request.documents().size() > limits.maxDocuments()) {
            throw tooLarge(
                    "documents",
                    "has " + request.documents().size() + " documents; the limit is " + limits.maxDocuments());
        }
        for (int i = 0; i < request.documents().size(); i++) {
            Document d = request.documents().get(i);
            String path = "documents[" + i + "]";
            int bytes = d.text().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limits.maxDocumentBytes()) {
                throw tooLarge(path + ".text", "is " + bytes + " bytes; the limit is " + limits.maxDocumentBytes());
            }
            if (!READABLE.contains(d.contentType())) {
                throw invalid(
                        path + ".contentType",
                        "cannot read '" + d.contentType() + "' (readable: " + String.join(", ", new TreeSet<>(READABLE))
                                + ")");
            }
            if (d.text().isBlank()) {
                throw invalid(path + ".text", "is empty");
            }
            if (d.text().indexOf('\u0000') >= 0 || d.text().indexOf('\uFFFD') >= 0) {
                throw invalid(path + ".text", "is not readable text (binary content or invalid UTF-8)");
            }
            validator.document(path, d);
        }
        if (request.deletions().size() > limits.maxDocuments()) {
            throw tooLarge(
                    "delete", "has " + request.deletions().size() + " ids; the limit is " + limits.maxDocuments());
        }
        for (int i = 0; i < request.deletions().size(); i++) {
            validator.documentId("delete[" + i + "]", request.deletions().get(i));
        }
        return index;
    }
}
