package dev.sluice.bootstrap.shared.wiring;

import dagger.Lazy;
import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.usecase.IngestDocuments;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Ingestion into the embedded Lucene store, whose index lives on this function's disk: before a write the local copy
 * catches up with the snapshot last published (another instance may have written since this one restored), after it
 * the new state is published for the processors' next cold start and the next writer.
 *
 * <p>Writes in one process take turns (one Lucene writer; an SQS batch runs its records concurrently), and across
 * processes the deployment allows one ingestor at a time (reserved concurrency 1): catch up, write and publish are a
 * read-modify-write of the snapshot that only a single writer keeps whole. Other stores need none of this
 * ({@link #forStore}).
 */
final class LuceneSnapshotIngest implements IngestDocuments {
    private static final Logger LOG = LogManager.getLogger(LuceneSnapshotIngest.class);

    private final IngestDocuments ingest;
    private final Lazy<LuceneVectorStore> lucene;
    private final BlobStore blobs;

    /** @param lucene the store {@code ingest} writes, opened only when a request is ingested (the dispatcher never is) */
    LuceneSnapshotIngest(IngestDocuments ingest, Lazy<LuceneVectorStore> lucene, BlobStore blobs) {
        this.ingest = ingest;
        this.lucene = lucene;
        this.blobs = blobs;
    }

    /**
     * {@code ingest} behind snapshots when the configured store ({@code SLUICE_VECTOR_STORE}) is the embedded Lucene
     * one, else {@code ingest} itself: the other stores keep their state off the function.
     */
    static IngestDocuments forStore(
            String vectorStore, IngestDocuments ingest, Lazy<LuceneVectorStore> lucene, BlobStore blobs) {
        return vectorStore.equals("lucene") ? new LuceneSnapshotIngest(ingest, lucene, blobs) : ingest;
    }

    @Override
    public void enqueue(IngestRequest request) {
        ingest.enqueue(request);
    }

    @Override
    public Report ingest(IngestRequest request) {
        LuceneVectorStore store = lucene.get();
        synchronized (this) {
            if (store.catchUp(request.index(), blobs)) {
                LOG.info("index {} caught up with the snapshot another ingestor published", request.index());
            }
            Report report = ingest.ingest(request);
            store.snapshot(request.index(), blobs);
            return report;
        }
    }
}
