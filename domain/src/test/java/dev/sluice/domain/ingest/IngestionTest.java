package dev.sluice.domain.ingest;

import static dev.sluice.domain.fake.TestConfig.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.engine.PipelineHarness;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingesting documents: idempotent, replacing, deleting, and refusing what it cannot read. */
class IngestionTest {
    private final PipelineHarness sluice = new PipelineHarness();

    private static IngestRequest request(List<Document> docs, List<String> deletions) {
        return new IngestRequest(TENANT, new CorrelationId("c"), "docs", docs, deletions);
    }

    private static Document doc(String id, String text) {
        return new Document(id, "text/markdown", text, Map.of("source", "handbook"));
    }

    private List<RetrievedChunk> search(String text) {
        float[] q = sluice.embedder.embed(List.of(text)).getFirst();
        return sluice.vectors.search("docs", new VectorStore.Query(TENANT, q, 10, Map.of()));
    }

    private static final String HANDBOOK = "# Leave\n\nEmployees get twenty days of paid leave per year. "
            + "Unused days carry over until March.\n\n# Travel\n\nTravel must be booked through the portal. "
            + "Economy class is the default for flights under six hours.";

    @Test
    void ingestingTheSameDocumentTwiceChangesNothing() {
        IngestDocuments.Report first = sluice.ingest.ingest(request(List.of(doc("hb", HANDBOOK)), List.of()));
        int size = sluice.vectors.size("docs");
        IngestDocuments.Report second = sluice.ingest.ingest(request(List.of(doc("hb", HANDBOOK)), List.of()));
        assertThat(first.chunks()).isGreaterThan(1).isEqualTo(second.chunks());
        assertThat(sluice.vectors.size("docs")).isEqualTo(size);
    }

    @Test
    void reIngestingADocumentReplacesItsChunks() {
        sluice.ingest.ingest(request(List.of(doc("hb", HANDBOOK)), List.of()));
        sluice.ingest.ingest(request(List.of(doc("hb", "# Leave\n\nEmployees get thirty days of leave.")), List.of()));
        List<RetrievedChunk> hits = search("travel booked portal economy flights");
        assertThat(hits).extracting(RetrievedChunk::text).noneMatch(t -> t.contains("Travel"));
        assertThat(sluice.vectors.size("docs")).isEqualTo(1);
    }

    @Test
    void deletingADocumentRemovesAllItsChunks() {
        sluice.ingest.ingest(
                request(List.of(doc("hb", HANDBOOK), doc("other", "Something else entirely.")), List.of()));
        IngestDocuments.Report report = sluice.ingest.ingest(request(List.of(), List.of("hb")));
        assertThat(report.deleted()).isEqualTo(1);
        assertThat(search("leave travel"))
                .extracting(RetrievedChunk::documentId)
                .containsOnly("other");
    }

    @Test
    void repeatedChunksInADocumentAreEmbeddedOnce() {
        String repeated = "Same paragraph again and again, long enough to stand alone as a chunk of its own here.";
        String text = String.join("\n\n", repeated, "x".repeat(150), repeated);
        IngestDocuments.Report report = sluice.ingest.ingest(request(List.of(doc("rep", text)), List.of()));
        assertThat(report.skipped()).isEqualTo(1);
    }

    @Test
    void whatCannotBeReadIsRefusedWithTheField() {
        assertThatThrownBy(() -> sluice.ingest.enqueue(
                        request(List.of(new Document("pdf", "application/pdf", "%PDF-1.7", Map.of())), List.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(
                        "documents[0].contentType: cannot read 'application/pdf' (readable: text/markdown, text/plain)");
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(List.of(doc("bin", "abc\u0000def")), List.of())))
                .hasMessage("documents[0].text: is not readable text (binary content or invalid UTF-8)");
        assertThat(sluice.ingestQueue.size()).isZero();
    }

    @Test
    void textAQueueWouldRefuseIsRefusedWithTheFieldAndNothingIsQueued() {
        assertThatThrownBy(
                        () -> sluice.ingest.enqueue(request(List.of(doc("d1", "half a pair \uD83D here")), List.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("documents[0].text: contains an unpaired surrogate U+D83D at index 12");
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(List.of(doc("d\u0007", "fine")), List.of())))
                .hasMessageStartingWith("documents[0].id: contains the character U+0007");
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(
                        List.of(new Document("d1", "text/plain", "fine", Map.of("source", "x\u001Bz"))), List.of())))
                .hasMessageStartingWith("documents[0].metadata.source: contains the character U+001B");
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(List.of(), List.of("ok", "\uDFFF"))))
                .hasMessageStartingWith("delete[1]: contains an unpaired surrogate");
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(List.of(), List.of(" "))))
                .hasMessage("delete[0]: must be a non-empty string");
        // 200 characters of three bytes each: under the record's 256 characters, over the 512-byte id limit.
        assertThatThrownBy(() -> sluice.ingest.enqueue(request(List.of(doc("\u20AC".repeat(200), "fine")), List.of())))
                .hasMessage("documents[0].id: is 600 bytes (UTF-8); the limit is 512");
        assertThat(sluice.ingestQueue.size()).isZero();
    }

    @Test
    void anOversizedDocumentIsTooLarge() {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidInputException.class,
                () -> sluice.ingest.enqueue(request(List.of(doc("big", "a".repeat(5 * 1024 * 1024 + 1))), List.of())));
        assertThat(error.tooLarge()).isTrue();
        assertThat(error.field()).isEqualTo("documents[0].text");
    }

    @Test
    void anEmbedderOfAnotherDimensionIsAClearError() {
        var wrong =
                new IngestDocumentsService(sluice.config, new HashingEmbedder(32), sluice.vectors, sluice.ingestQueue);
        assertThatThrownBy(() -> wrong.ingest(request(List.of(doc("hb", HANDBOOK)), List.of())))
                .isInstanceOf(PermanentException.class)
                .hasMessage("the embedder produces 32-dimensional vectors but index 'docs' holds 64");
    }

    @Test
    void aWriteTheStoreRefusesEndsThatRequestNamingTheItemAndTheNextRequestIsIngested() {
        VectorStore refusesLongIds = new VectorStore() {
            @Override
            public void ensureIndex(dev.sluice.domain.config.IndexSpec index) {
                sluice.vectors.ensureIndex(index);
            }

            @Override
            public void upsert(String index, List<dev.sluice.domain.model.Chunk> chunks) {
                sluice.vectors.upsert(index, chunks);
            }

            @Override
            public List<RetrievedChunk> search(String index, Query query) {
                return sluice.vectors.search(index, query);
            }

            @Override
            public void deleteDocument(String index, dev.sluice.domain.model.TenantId tenant, String documentId) {
                if (documentId.startsWith("refused")) {
                    throw new PermanentException("index '" + index + "' cannot hold that document id", null);
                }
                sluice.vectors.deleteDocument(index, tenant, documentId);
            }
        };
        IngestDocuments ingest =
                new IngestDocumentsService(sluice.config, sluice.embedder, refusesLongIds, sluice.ingestQueue);

        assertThatThrownBy(() -> ingest.ingest(request(List.of(), List.of("ok", "refused-1"))))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("delete[1]: index 'docs' cannot hold")
                .hasCauseInstanceOf(PermanentException.class);
        assertThatThrownBy(() -> ingest.ingest(request(List.of(doc("refused-2", HANDBOOK)), List.of())))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("documents[0]: ");

        IngestDocuments.Report report = ingest.ingest(request(List.of(doc("hb", HANDBOOK)), List.of()));
        assertThat(report.chunks()).isPositive();
        assertThat(search("travel booked portal economy flights")).isNotEmpty();
    }
}
