package dev.sluice.domain.model;

/** What travels on sluice's queues: hop envelopes on the work and finalize queues, ingestion on the ingest queue. */
public sealed interface QueueMessage permits Envelope, IngestRequest {
    CorrelationId correlationId();

    TenantId tenant();
}
