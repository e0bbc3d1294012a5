package dev.sluice.bootstrap.dispatcher;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.console.ConsoleSource;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.Queues;
import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.RetryJob;
import java.time.Clock;
import java.util.List;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The dispatcher's side of ingestion: it checks a request against the configured indexes and queues it; the ingestor
 * embeds and writes. So the dispatcher's graph holds no embedder or vector store, and its artifact carries neither.
 */
@Module
final class DispatcherModule {
    private DispatcherModule() {}

    @Provides
    @Singleton
    static IngestDocuments ingestDocuments(SluiceConfig config, @Queues.Ingest WorkQueue ingest) {
        return new IngestDocumentsService(config, Elsewhere.INSTANCE, Elsewhere.INSTANCE, ingest);
    }

    /** The operator's console a stack serves behind its API (README, "Console"). */
    @Provides
    @Singleton
    static ConsoleSource console(
            DynamoDbJobStore jobs,
            TraceStore traces,
            SluiceConfig config,
            SqsClient sqs,
            RetryJob retry,
            Settings settings,
            Clock clock) {
        return new StackConsole(jobs, traces, config, sqs, retry, settings, clock);
    }

    /** Where the dispatcher's graph would otherwise hold the ingestor's ports: only {@code ingest} reaches them. */
    private enum Elsewhere implements Embedder, VectorStore {
        INSTANCE;

        private static IllegalStateException notHere() {
            return new IllegalStateException(
                    "the dispatcher only checks and queues documents; the ingestor embeds" + " and writes them");
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            throw notHere();
        }

        @Override
        public int dimension() {
            throw notHere();
        }

        @Override
        public void ensureIndex(IndexSpec index) {
            throw notHere();
        }

        @Override
        public void upsert(String index, List<Chunk> chunks) {
            throw notHere();
        }

        @Override
        public List<RetrievedChunk> search(String index, Query query) {
            throw notHere();
        }

        @Override
        public void deleteDocument(String index, TenantId tenant, String documentId) {
            throw notHere();
        }
    }
}
