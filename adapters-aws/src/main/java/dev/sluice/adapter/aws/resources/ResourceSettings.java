package dev.sluice.adapter.aws.resources;

import java.time.Duration;
import java.util.Objects;

/**
 * The choices behind sluice's queues and bucket.
 *
 * @param prefix names every resource, e.g. {@code sluice-dev} gives {@code sluice-dev-work}
 * @param maxReceiveCount receives before a message goes to its dead-letter queue (the processor fails the job on
 *     the last one)
 */
public record ResourceSettings(
        String prefix,
        String bucketName,
        int maxReceiveCount,
        Duration workVisibility,
        Duration finalizeVisibility,
        Duration ingestVisibility,
        int maximumMessageBytes) {
    public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

    public ResourceSettings {
        Objects.requireNonNull(prefix, "'prefix' must not be null");
        Objects.requireNonNull(bucketName, "'bucketName' must not be null");
        Objects.requireNonNull(workVisibility, "'workVisibility' must not be null");
        Objects.requireNonNull(finalizeVisibility, "'finalizeVisibility' must not be null");
        Objects.requireNonNull(ingestVisibility, "'ingestVisibility' must not be null");
    }

    /**
     * Defaults for functions with timeouts of 60 s (processor), 30 s (finalizer) and 150 s (ingestor): visibility
     * is six times each, as AWS advises for an SQS event source.
     */
    public static ResourceSettings defaults(String prefix) {
        return new ResourceSettings(
                prefix,
                prefix + "-data",
                DEFAULT_MAX_RECEIVE_COUNT,
                Duration.ofSeconds(360),
                Duration.ofSeconds(180),
                Duration.ofSeconds(900),
                QueueDefinition.MAX_MESSAGE_BYTES);
    }

    public ResourceSettings withMaxReceiveCount(int count) {
        return new ResourceSettings(
                prefix, bucketName, count, workVisibility, finalizeVisibility, ingestVisibility, maximumMessageBytes);
    }

    public ResourceSettings withWorkVisibility(Duration visibility) {
        return new ResourceSettings(
                prefix,
                bucketName,
                maxReceiveCount,
                visibility,
                finalizeVisibility,
                ingestVisibility,
                maximumMessageBytes);
    }
}
