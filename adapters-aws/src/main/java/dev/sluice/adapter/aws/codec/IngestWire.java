package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.TenantId;
import java.util.List;
import java.util.Map;

/** Documents to chunk, embed and upsert, and ids to delete, as they wait on the ingest queue. */
record IngestWire(
        @JsonProperty(required = true) String tenant,
        @JsonProperty(required = true) String correlationId,
        @JsonProperty(required = true) String index,
        List<DocumentWire> documents,
        List<String> deletions)
        implements QueueMessageWire {
    static IngestWire from(IngestRequest r) {
        return new IngestWire(
                r.tenant().value(),
                r.correlationId().value(),
                r.index(),
                r.documents().stream().map(DocumentWire::from).toList(),
                r.deletions());
    }

    @Override
    public IngestRequest toDomain() {
        List<Document> docs =
                WireJson.orEmpty(documents).stream().map(DocumentWire::toDomain).toList();
        return WireJson.build(
                "ingest request",
                () -> new IngestRequest(
                        new TenantId(tenant),
                        new CorrelationId(correlationId),
                        index,
                        docs,
                        WireJson.orEmpty(deletions)));
    }

    record DocumentWire(
            @JsonProperty(required = true) String id,
            @JsonProperty(required = true) String contentType,
            @JsonProperty(required = true) String text,
            Map<String, String> metadata) {
        static DocumentWire from(Document d) {
            return new DocumentWire(d.id(), d.contentType(), d.text(), d.metadata());
        }

        Document toDomain() {
            return WireJson.build("document", () -> new Document(id, contentType, text, WireJson.orEmpty(metadata)));
        }
    }
}
