package dev.sluice.domain.model;

import java.util.List;
import java.util.Objects;

/** Documents to add to (or remove from) one index for one tenant, as queued for the ingestor. */
public record IngestRequest(
        TenantId tenant, CorrelationId correlationId, String index, List<Document> documents, List<String> deletions)
        implements QueueMessage {
    public IngestRequest {
        Objects.requireNonNull(tenant, "'tenant' must not be null");
        Objects.requireNonNull(correlationId, "'correlationId' must not be null");
        Objects.requireNonNull(index, "'index' must not be null");
        documents = List.copyOf(documents);
        deletions = List.copyOf(deletions);
    }
}
