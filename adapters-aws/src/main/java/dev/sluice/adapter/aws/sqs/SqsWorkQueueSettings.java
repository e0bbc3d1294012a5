package dev.sluice.adapter.aws.sqs;

import java.util.Objects;

/**
 * One queue and when its bodies go to S3.
 *
 * @param claimCheckThresholdBytes bodies larger than this (UTF-8 bytes) are stored under {@code payloads/} and
 *     travel as a reference; the default stays well below SQS's 256 KiB queue default, attributes included
 */
public record SqsWorkQueueSettings(String queueUrl, int claimCheckThresholdBytes) {
    public static final int DEFAULT_CLAIM_CHECK_THRESHOLD = 200_000;

    public SqsWorkQueueSettings {
        Objects.requireNonNull(queueUrl, "'queueUrl' must not be null");
        if (claimCheckThresholdBytes < 1_024 || claimCheckThresholdBytes > 1_000_000) {
            throw new IllegalArgumentException(
                    "'claimCheckThresholdBytes' must be between 1024 and 1000000, got " + claimCheckThresholdBytes);
        }
    }

    public static SqsWorkQueueSettings of(String queueUrl) {
        return new SqsWorkQueueSettings(queueUrl, DEFAULT_CLAIM_CHECK_THRESHOLD);
    }
}
