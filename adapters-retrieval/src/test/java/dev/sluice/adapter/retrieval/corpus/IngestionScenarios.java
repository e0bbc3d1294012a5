package dev.sluice.adapter.retrieval.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.domain.config.EngineSettings;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.InputLimits;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The domain's ingestion ({@link IngestDocumentsService}) run with MiniLM against a real store: what a user who
 * ingests, re-ingests and deletes documents sees when searching afterwards.
 */
public abstract class IngestionScenarios {
    private static final TenantId TENANT = new TenantId("acme");
    private static final String HANDBOOK = "# Leave\n\nEmployees get twenty days of paid leave per year. "
            + "Unused days carry over until March.\n\n# Travel\n\nTravel must be booked through the portal. "
            + "Economy class is the default for flights under six hours.\n\n# Expenses\n\n"
            + "Receipts must be uploaded within thirty days. Meals are reimbursed up to fifty euros a day.";

    private VectorStore store;
    private String index;
    private IngestDocumentsService ingest;

    protected abstract VectorStore store();

    @BeforeEach
    void wire() {
        store = store();
        index = "ingest-" + Long.toHexString(System.nanoTime());
        InputLimits limits = new InputLimits(256 * 1024, 100_000, 50, 500, 20_000, 10, 128);
        SluiceConfig config = new SluiceConfig(
                Map.of(), Map.of(), Map.of(index, new IndexSpec(index, 384, 120, 20)), limits, EngineSettings.DEFAULTS);
        ingest = new IngestDocumentsService(
                config, Corpus.embedder(), store, new InMemoryWorkQueue(MutableClock.at("2026-06-01T09:00:00Z")));
    }

    private IngestDocuments.Report ingest(List<Document> docs, List<String> deletions) {
        return ingest.ingest(new IngestRequest(TENANT, new CorrelationId("c"), index, docs, deletions));
    }

    private static Document doc(String id, String text) {
        return new Document(id, "text/markdown", text, Map.of("source", "handbook"));
    }

    private List<RetrievedChunk> search(String text) {
        float[] q = Corpus.embedder().embed(List.of(text)).getFirst();
        return store.search(index, new VectorStore.Query(TENANT, q, 50, Map.of()));
    }

    @Test
    void ingestingTheSameDocumentTwiceChangesNothing() {
        IngestDocuments.Report first = ingest(List.of(doc("hb", HANDBOOK)), List.of());
        List<RetrievedChunk> before = search("paid leave");
        IngestDocuments.Report second = ingest(List.of(doc("hb", HANDBOOK)), List.of());
        List<RetrievedChunk> after = search("paid leave");
        assertThat(first.chunks()).isGreaterThan(2).isEqualTo(second.chunks());
        assertThat(before).hasSize(first.chunks());
        assertThat(after)
                .extracting(RetrievedChunk::id)
                .containsExactlyElementsOf(
                        before.stream().map(RetrievedChunk::id).toList());
    }

    @Test
    void theRightChunkAnswersAQuestion() {
        ingest(List.of(doc("hb", HANDBOOK)), List.of());
        assertThat(search("How many days of holiday do I get?").getFirst().text())
                .contains("twenty days of paid leave");
        assertThat(search("What is the limit for meal reimbursement?")
                        .getFirst()
                        .text())
                .contains("fifty euros");
    }

    @Test
    void reIngestingADocumentReplacesItsChunks() {
        ingest(List.of(doc("hb", HANDBOOK)), List.of());
        ingest(List.of(doc("hb", "# Leave\n\nEmployees get thirty days of leave.")), List.of());
        List<RetrievedChunk> hits = search("travel booked through the portal");
        assertThat(hits).hasSize(1);
        assertThat(hits.getFirst().text()).contains("thirty days").doesNotContain("Travel");
    }

    @Test
    void deletingADocumentRemovesAllItsChunks() {
        ingest(List.of(doc("hb", HANDBOOK), doc("other", "The canteen opens at noon on weekdays.")), List.of());
        IngestDocuments.Report report = ingest(List.of(), List.of("hb"));
        assertThat(report.deleted()).isEqualTo(1);
        assertThat(search("leave travel expenses"))
                .extracting(RetrievedChunk::documentId)
                .containsOnly("other");
    }

    @Test
    void anOversizedDocumentIsRefusedAndNothingIsStored() {
        ingest(List.of(doc("small", "The canteen opens at noon on weekdays.")), List.of());
        var error = catchThrowableOfType(
                InvalidInputException.class,
                () -> ingest(List.of(doc("big", "Leave policy. ".repeat(2000))), List.of()));
        assertThat(error.tooLarge()).isTrue();
        assertThat(error.field()).isEqualTo("documents[0].text");
        assertThat(search("leave policy"))
                .extracting(RetrievedChunk::documentId)
                .containsOnly("small");
    }

    @Test
    void unreadableInputIsRefusedWithTheField() {
        assertThatThrownBy(() ->
                        ingest(List.of(new Document("pdf", "application/pdf", "%PDF-1.7 binary", Map.of())), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("documents[0].contentType: cannot read 'application/pdf'");
        assertThatThrownBy(() -> ingest(List.of(doc("bin", "abc\u0000def")), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("documents[0].text: is not readable text (binary content or invalid UTF-8)");
    }

    @Test
    void anIndexOfAnotherDimensionIsAClearError() {
        ingest(List.of(doc("hb", HANDBOOK)), List.of());
        assertThatThrownBy(() -> store.ensureIndex(new IndexSpec(index, 768, 120, 20)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("384")
                .hasMessageContaining("768");
    }
}
