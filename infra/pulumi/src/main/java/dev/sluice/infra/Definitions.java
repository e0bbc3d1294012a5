package dev.sluice.infra;

import java.util.List;

/**
 * The queue and table shapes this program deploys, in one place so that a test can hold them against the
 * definitions the local runtime creates ({@code dev.sluice.adapter.aws.resources}).
 */
final class Definitions {
    /** Deliveries of one message before it moves to its dead-letter queue; the processor fails the job on the last. */
    static final int MAX_RECEIVE_COUNT = 5;

    /** Visibility timeout per consuming function's timeout; AWS's guidance for SQS event sources (one rule, in the domain). */
    static final int VISIBILITY_PER_FUNCTION_TIMEOUT =
            dev.sluice.domain.config.HopBudget.VISIBILITY_PER_FUNCTION_TIMEOUT;

    /**
     * Every queue's MaximumMessageSize: SQS's default, 256 KiB. A body larger than the claim-check threshold
     * (adapters-aws {@code SqsWorkQueueSettings.DEFAULT_CLAIM_CHECK_THRESHOLD}, 200,000 UTF-8 bytes) goes to S3 under
     * {@code payloads/} and the message carries only a small pointer, so no message comes near this limit and a
     * larger one (SQS allows 1 MiB) buys nothing. SharedDefinitionsTest holds the two against each other.
     */
    static final int MAX_MESSAGE_SIZE = 262_144;

    /** Main queues keep messages 4 days; their DLQs the SQS maximum, 14, so a dead letter outlives its original. */
    static final int QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;

    static final int DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

    /**
     * Claim-checked message bodies under {@code payloads/} must outlive any message that points at them, dead-letter
     * queues included (a message keeps its first enqueue time there): a redriven message whose body is gone fails.
     */
    static final int MIN_PAYLOAD_DAYS = DLQ_RETENTION_SECONDS / 86_400 + 1;

    /** Queue names are {@code sluice-<stack>-<name>} and {@code sluice-<stack>-<name>-dlq}. */
    static final List<String> QUEUES = List.of("work", "finalize", "ingest");

    static final String DLQ_SUFFIX = "-dlq";

    /** Every table: one string hash key {@code pk}, TTL on {@code expiresAt}, on-demand; names {@code sluice-<stack>-<name>}. */
    static final List<String> TABLES = List.of("jobs", "cache", "limits");

    static final String HASH_KEY = "pk";

    static final String TTL_ATTRIBUTE = "expiresAt";

    /** Only the jobs table holds data that cannot be recomputed: point-in-time recovery is on for it alone. */
    static final String PITR_TABLE = "jobs";

    /**
     * The jobs table's index of jobs by month of creation (an operator's console lists the newest from it): keys only,
     * so it is written when a job is created and not as the job moves on.
     */
    static final String RECENT_INDEX = "recent";

    static final String RECENT_PARTITION_KEY = "listedIn";
    static final String RECENT_SORT_KEY = "createdAt";

    /** Bucket prefixes of the runtime contract. */
    static final String PAYLOADS = "payloads/";

    static final String RESULTS = "jobs/";

    static final String TRACES = "traces/";

    static final String INDEXES = "indexes/";

    /** Bedrock batch inference's records: a window's input and the answers Bedrock writes beside it. */
    static final String BATCHES = "batches/";

    /** Inbound EventBridge detail-type that starts a job; outbound ones the functions emit with source {@code sluice}. */
    static final String JOB_REQUESTED = "job.requested";
    /** The source of the events sluice's functions put (adapters-aws {@code EventBridgeSettings.SOURCE}). */
    static final String EVENT_SOURCE = "sluice";

    static final List<String> EMITTED = List.of("job.completed", "job.failed", "batch.completed");

    private Definitions() {}
}
