package dev.sluice.adapter.aws.resources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every queue and the bucket of one sluice stack, defined once: the local runner provisions them with
 * {@link ResourceProvisioner} and the Pulumi program declares them from the same values.
 */
public record SluiceResources(List<QueueDefinition> queues, BucketDefinition bucket) {
    /** Messages live at most this long (a dead-lettered one keeps its first enqueue time). */
    /** A dead-letter queue's name is its queue's with this appended (so its URL is the queue's URL with it, too). */
    public static final String DLQ_SUFFIX = "-dlq";

    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

    public static final Duration RETENTION = Duration.ofDays(4);

    public SluiceResources {
        queues = List.copyOf(queues);
        Objects.requireNonNull(bucket, "'bucket' must not be null");
    }

    public static SluiceResources of(ResourceSettings settings) {
        List<QueueDefinition> queues = new ArrayList<>();
        for (QueueRole role : QueueRole.values()) {
            String name = settings.prefix() + "-" + role.suffix();
            String deadLetterName = name + DLQ_SUFFIX;
            // Dead-letter queues first, so that each redrive target exists when its source queue is created.
            queues.add(new QueueDefinition(
                    deadLetterName,
                    role,
                    true,
                    Duration.ofSeconds(30),
                    settings.maximumMessageBytes(),
                    DEAD_LETTER_RETENTION,
                    Duration.ZERO,
                    Optional.empty()));
            queues.add(new QueueDefinition(
                    name,
                    role,
                    false,
                    visibility(settings, role),
                    settings.maximumMessageBytes(),
                    RETENTION,
                    Duration.ZERO,
                    Optional.of(new RedrivePolicy(deadLetterName, settings.maxReceiveCount()))));
        }
        return new SluiceResources(queues, new BucketDefinition(settings.bucketName(), Duration.ofDays(15)));
    }

    private static Duration visibility(ResourceSettings settings, QueueRole role) {
        return switch (role) {
            case WORK -> settings.workVisibility();
            case FINALIZE -> settings.finalizeVisibility();
            case INGEST -> settings.ingestVisibility();
        };
    }

    public QueueDefinition queue(QueueRole role) {
        return find(role, false);
    }

    public QueueDefinition deadLetterQueue(QueueRole role) {
        return find(role, true);
    }

    private QueueDefinition find(QueueRole role, boolean deadLetter) {
        return queues.stream()
                .filter(q -> q.role() == role && q.deadLetter() == deadLetter)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("no " + (deadLetter ? "dead-letter " : "") + "queue for " + role));
    }
}
