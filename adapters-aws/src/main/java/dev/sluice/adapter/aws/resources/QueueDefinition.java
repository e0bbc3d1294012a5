package dev.sluice.adapter.aws.resources;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One SQS queue as sluice needs it, whoever creates it (the local runner through {@link ResourceProvisioner}, or
 * the Pulumi program from the same values).
 *
 * @param visibilityTimeout at least six times the timeout of the function that consumes the queue
 * @param maximumMessageBytes 256 KiB to 1 MiB; bodies above the claim-check threshold travel through S3 anyway
 * @param deliveryDelay the queue's default delay (0); per-message delays up to 900 s are always allowed
 * @param redrive empty for a dead-letter queue itself
 */
public record QueueDefinition(
        String name,
        QueueRole role,
        boolean deadLetter,
        Duration visibilityTimeout,
        int maximumMessageBytes,
        Duration retention,
        Duration deliveryDelay,
        Optional<RedrivePolicy> redrive) {
    public static final int MIN_MESSAGE_BYTES = 262_144;
    public static final int MAX_MESSAGE_BYTES = 1_048_576;

    public QueueDefinition {
        Objects.requireNonNull(name, "'name' must not be null");
        Objects.requireNonNull(role, "'role' must not be null");
        Objects.requireNonNull(visibilityTimeout, "'visibilityTimeout' must not be null");
        Objects.requireNonNull(retention, "'retention' must not be null");
        Objects.requireNonNull(deliveryDelay, "'deliveryDelay' must not be null");
        Objects.requireNonNull(redrive, "'redrive' must not be null");
        if (!name.matches("[A-Za-z0-9_-]{1,80}")) {
            throw new IllegalArgumentException("'name' must be 1-80 letters, digits, - or _, got '" + name + "'");
        }
        within("visibilityTimeout", visibilityTimeout, Duration.ZERO, Duration.ofHours(12));
        within("retention", retention, Duration.ofMinutes(1), Duration.ofDays(14));
        within("deliveryDelay", deliveryDelay, Duration.ZERO, Duration.ofMinutes(15));
        if (maximumMessageBytes < MIN_MESSAGE_BYTES || maximumMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("'maximumMessageBytes' must be between " + MIN_MESSAGE_BYTES + " and "
                    + MAX_MESSAGE_BYTES + ", got " + maximumMessageBytes);
        }
        if (deadLetter && redrive.isPresent()) {
            throw new IllegalArgumentException("dead-letter queue '" + name + "' must not redrive further");
        }
    }

    private static void within(String field, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0 || value.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException(
                    "'" + field + "' must be whole seconds between " + min + " and " + max + ", got " + value);
        }
    }

    /**
     * The queue's attributes by their SQS names ({@code VisibilityTimeout}, {@code RedrivePolicy}, ...).
     *
     * @param deadLetterQueueArn the ARN of {@link RedrivePolicy#deadLetterQueueName()}, when this queue redrives
     */
    public Map<String, String> sqsAttributes(Optional<String> deadLetterQueueArn) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("VisibilityTimeout", Long.toString(visibilityTimeout.toSeconds()));
        attributes.put("MaximumMessageSize", Integer.toString(maximumMessageBytes));
        attributes.put("MessageRetentionPeriod", Long.toString(retention.toSeconds()));
        attributes.put("DelaySeconds", Long.toString(deliveryDelay.toSeconds()));
        redrive.ifPresent(r -> attributes.put(
                "RedrivePolicy",
                r.json(deadLetterQueueArn.orElseThrow(() -> new IllegalArgumentException(
                        "queue '" + name + "' redrives to '" + r.deadLetterQueueName() + "': its ARN is needed")))));
        return attributes;
    }
}
