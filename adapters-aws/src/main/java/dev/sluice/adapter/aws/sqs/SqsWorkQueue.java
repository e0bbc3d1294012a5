package dev.sluice.adapter.aws.sqs;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.adapter.aws.resources.BucketDefinition;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@link WorkQueue} on one SQS queue. Bodies are {@link DomainJson}; correlation id, tenant, message type (and
 * job id and hop for envelopes) travel as message attributes too. A body over the claim-check threshold is stored
 * in the blob store under {@code payloads/} first and the message carries its key; {@link SqsMessageReader}
 * restores it. Payloads are not deleted on receipt (a redelivery needs them): the bucket expires them.
 */
public final class SqsWorkQueue implements WorkQueue {
    private static final String JSON = "application/json";

    private final SqsClient sqs;
    private final BlobStore payloads;
    private final SqsWorkQueueSettings settings;

    public SqsWorkQueue(SqsClient sqs, BlobStore payloads, SqsWorkQueueSettings settings) {
        this.sqs = sqs;
        this.payloads = payloads;
        this.settings = settings;
    }

    @Override
    public void send(QueueMessage message, Duration delay) {
        int delaySeconds = delaySeconds(delay);
        String body = DomainJson.write(message);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, MessageAttributeValue> attributes = attributes(message);
        if (bytes.length > settings.claimCheckThresholdBytes()) {
            String key = payloadKey(message);
            payloads.put(key, bytes, JSON);
            body = new ClaimCheck(key, bytes.length).toJson();
            attributes.put(SqsMessageAttributes.PAYLOAD_KEY, text(key));
        }
        String finalBody = body;
        try {
            sqs.sendMessage(b -> b.queueUrl(settings.queueUrl())
                    .messageBody(finalBody)
                    .delaySeconds(delaySeconds)
                    .messageAttributes(attributes));
        } catch (SdkException e) {
            throw AwsFailures.classify("send to " + settings.queueUrl(), e);
        }
    }

    /** Rounded up to whole seconds, so a message is never visible before its delay. */
    private static int delaySeconds(Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and 900 s, got " + delay);
        }
        long seconds = delay.toSeconds() + (delay.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(seconds, MAX_DELAY.toSeconds());
    }

    private static String payloadKey(QueueMessage message) {
        String owner = switch (message) {
            case Envelope e -> e.jobId().value();
            case IngestRequest i -> "ingest/" + i.tenant().value();
        };
        return BucketDefinition.PAYLOADS + owner + "/" + UUID.randomUUID() + ".json";
    }

    private static Map<String, MessageAttributeValue> attributes(QueueMessage message) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(
                SqsMessageAttributes.CORRELATION_ID,
                text(message.correlationId().value()));
        attributes.put(SqsMessageAttributes.TENANT, text(message.tenant().value()));
        switch (message) {
            case Envelope e -> {
                attributes.put(SqsMessageAttributes.MESSAGE_TYPE, text(DomainJson.ENVELOPE));
                attributes.put(SqsMessageAttributes.JOB_ID, text(e.jobId().value()));
                attributes.put(
                        SqsMessageAttributes.HOP,
                        MessageAttributeValue.builder()
                                .dataType("Number")
                                .stringValue(Integer.toString(e.hop()))
                                .build());
            }
            case IngestRequest i -> attributes.put(SqsMessageAttributes.MESSAGE_TYPE, text(DomainJson.INGEST));
        }
        return attributes;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
