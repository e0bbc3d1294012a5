package dev.sluice.domain.usecase;

import dev.sluice.domain.model.IngestRequest;

/** Makes documents retrievable: chunk, dedupe, embed in batches, upsert idempotently; and removes them. */
public interface IngestDocuments {

    /**
     * Checks a request (dispatcher side) and queues it for the ingestor.
     *
     * @throws InvalidInputException for an unknown index, a document it cannot read or one over a size limit
     */
    void enqueue(IngestRequest request);

    /** Does the work (ingestor side). @throws InvalidInputException as {@link #enqueue} */
    Report ingest(IngestRequest request);

    /**
     * What ingestion did.
     *
     * @param skipped chunks not embedded again because an identical one was already in the request
     */
    record Report(int documents, int chunks, int skipped, int deleted) {}
}
