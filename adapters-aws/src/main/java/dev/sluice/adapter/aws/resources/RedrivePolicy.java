package dev.sluice.adapter.aws.resources;

import java.util.Objects;

/**
 * Where a queue's messages go after {@code maxReceiveCount} receives without a delete. SQS counts every receive,
 * so throttled work is deferred by re-sending with a delay, never by leaving it to come back.
 */
public record RedrivePolicy(String deadLetterQueueName, int maxReceiveCount) {
    public RedrivePolicy {
        Objects.requireNonNull(deadLetterQueueName, "'deadLetterQueueName' must not be null");
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("'maxReceiveCount' must be between 1 and 1000, got " + maxReceiveCount);
        }
    }

    /** The queue's {@code RedrivePolicy} attribute, as SQS and CloudFormation/Pulumi take it. */
    public String json(String deadLetterQueueArn) {
        return "{\"deadLetterTargetArn\":\"" + deadLetterQueueArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
    }
}
