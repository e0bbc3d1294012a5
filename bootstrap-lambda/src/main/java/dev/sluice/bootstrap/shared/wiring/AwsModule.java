package dev.sluice.bootstrap.shared.wiring;

import dagger.Module;
import dagger.Provides;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.dynamodb.DynamoDbCompletionCache;
import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.adapter.aws.dynamodb.DynamoDbParkedCalls;
import dev.sluice.adapter.aws.dynamodb.DynamoDbRateLimiter;
import dev.sluice.adapter.aws.dynamodb.DynamoDbSpendLedger;
import dev.sluice.adapter.aws.eventbridge.EventBridgePublisher;
import dev.sluice.adapter.aws.eventbridge.EventBridgeSettings;
import dev.sluice.adapter.aws.s3.S3BlobStore;
import dev.sluice.adapter.aws.s3.S3Settings;
import dev.sluice.adapter.aws.s3.S3TraceStore;
import dev.sluice.adapter.aws.secrets.SecretsManagerSecrets;
import dev.sluice.adapter.aws.sqs.MessageTrace;
import dev.sluice.adapter.aws.sqs.SqsWorkQueue;
import dev.sluice.adapter.aws.sqs.SqsWorkQueueSettings;
import dev.sluice.bootstrap.shared.EnvironmentSecrets;
import dev.sluice.bootstrap.shared.Inbox;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.JobTraceParent;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Secrets;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.SqsInbox;
import dev.sluice.bootstrap.shared.TraceBatches;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.WorkQueue;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients (built once, at init, on the URL-connection HTTP client) and the AWS adapters behind the domain's
 * ports. Endpoint overrides point the same clients at local stand-ins.
 */
@Module
public final class AwsModule {
    private AwsModule() {}

    private static AwsClientSettings client(Settings settings, Optional<URI> endpoint) {
        return new AwsClientSettings(
                settings.region(), endpoint, Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    @Provides
    @Singleton
    static SqsClient sqs(Settings settings) {
        return InitPhases.time(
                "clients",
                () -> AwsClients.sqs(client(settings, settings.endpoints().sqs())));
    }

    @Provides
    @Singleton
    static S3Client s3(Settings settings) {
        return InitPhases.time(
                "clients",
                () -> AwsClients.s3(client(settings, settings.endpoints().s3())));
    }

    @Provides
    @Singleton
    static EventBridgeClient eventBridge(Settings settings) {
        return InitPhases.time(
                "clients",
                () -> AwsClients.eventBridge(
                        client(settings, settings.endpoints().eventbridge())));
    }

    @Provides
    @Singleton
    static DynamoDbClient dynamoDb(Settings settings) {
        return InitPhases.time(
                "clients",
                () -> AwsClients.dynamoDb(client(settings, settings.endpoints().dynamodb())));
    }

    @Provides
    @Singleton
    static BlobStore blobs(S3Client s3, Settings settings) {
        return new S3BlobStore(s3, new S3Settings(settings.bucket()));
    }

    @Provides
    @Singleton
    static S3TraceStore s3Traces(S3Client s3, Settings settings) {
        return new S3TraceStore(s3, new S3Settings(settings.bucket()));
    }

    @Provides
    @Singleton
    static TraceStore traces(S3TraceStore traces) {
        return traces;
    }

    @Provides
    @Singleton
    static TraceBatches traceBatches(S3TraceStore traces) {
        return new SegmentedTraceBatches(traces);
    }

    @Provides
    @Singleton
    static DynamoDbJobStore dynamoDbJobs(DynamoDbClient dynamo, BlobStore blobs, Settings settings) {
        return new DynamoDbJobStore(dynamo, blobs, DynamoDbJobStore.Settings.of(settings.jobsTable()));
    }

    @Provides
    static JobStore jobs(DynamoDbJobStore jobs) {
        return jobs;
    }

    @Provides
    @Singleton
    static CompletionCache cache(DynamoDbClient dynamo, Settings settings, Clock clock) {
        return new DynamoDbCompletionCache(dynamo, new DynamoDbCompletionCache.Settings(settings.cacheTable()), clock);
    }

    /** The calls parked for the providers' batch APIs, in the cache table beside the answers they become. */
    @Provides
    @Singleton
    static ParkedCalls parked(DynamoDbClient dynamo, Settings settings, Clock clock) {
        return new DynamoDbParkedCalls(dynamo, new DynamoDbParkedCalls.Settings(settings.cacheTable()), clock);
    }

    @Provides
    @Singleton
    static RateLimiter limiter(DynamoDbClient dynamo, Settings settings, Clock clock, RandomGenerator random) {
        // The wiring's restore-safe source (CoreModule.random), for the lanes' spread and the back-off jitter.
        return new DynamoDbRateLimiter(dynamo, DynamoDbRateLimiter.Settings.of(settings.limitsTable()), clock, random);
    }

    @Provides
    @Singleton
    static SpendLedger ledger(DynamoDbClient dynamo, Settings settings) {
        // On the limits table: budgets are admission too, and the table already has the TTL and the access.
        return new DynamoDbSpendLedger(dynamo, new DynamoDbSpendLedger.Settings(settings.limitsTable()));
    }

    @Provides
    @Singleton
    static EventPublisher events(EventBridgeClient events, Settings settings) {
        return new EventBridgePublisher(events, EventBridgeSettings.of(settings.eventBus()));
    }

    @Provides
    @Singleton
    @Queues.Work
    static WorkQueue work(SqsClient sqs, BlobStore blobs, Settings settings, JobTracing tracing) {
        return new SqsWorkQueue(sqs, blobs, SqsWorkQueueSettings.of(settings.workQueueUrl()), messageTrace(tracing));
    }

    @Provides
    @Singleton
    @Queues.Finalize
    static WorkQueue finalizeQueue(SqsClient sqs, BlobStore blobs, Settings settings, JobTracing tracing) {
        return new SqsWorkQueue(
                sqs, blobs, SqsWorkQueueSettings.of(settings.finalizeQueueUrl()), messageTrace(tracing));
    }

    /** Job messages carry the job's trace context only when spans are recorded: off, they carry nothing more. */
    private static MessageTrace messageTrace(JobTracing tracing) {
        return tracing.enabled() ? new JobTraceParent() : MessageTrace.NONE;
    }

    @Provides
    @Singleton
    @Queues.Ingest
    static WorkQueue ingestQueue(SqsClient sqs, BlobStore blobs, Settings settings) {
        return new SqsWorkQueue(sqs, blobs, SqsWorkQueueSettings.of(settings.ingestQueueUrl()));
    }

    @Provides
    @Singleton
    static Inbox inbox(BlobStore blobs) {
        return new SqsInbox(blobs);
    }

    /**
     * Provider keys from Secrets Manager, read once; with {@code SLUICE_SECRETS=env} (local runs) from the
     * environment instead ({@link EnvironmentSecrets}).
     */
    @Provides
    @Singleton
    static Secrets secrets(Settings settings) {
        if (settings.secrets().fromEnvironment()) {
            return new EnvironmentSecrets(settings.secrets().variables());
        }
        SecretsManagerSecrets secrets = new SecretsManagerSecrets(InitPhases.time(
                "clients",
                () -> AwsClients.secretsManager(
                        client(settings, settings.endpoints().secretsmanager()))));
        return name -> Optional.of(secrets.get(name));
    }
}
