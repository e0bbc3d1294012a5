package dev.sluice.adapter.aws.sqs;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.adapter.aws.resources.BucketDefinition;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * {@link WorkQueue} on one SQS queue. Bodies are {@link DomainJson}; correlation id, tenant, message type (and
 * job id and hop for envelopes) travel as message attributes too. A body over the claim-check threshold is stored
 * in the blob store under {@code payloads/} first and the message carries its key; {@link SqsMessageReader}
 * restores it. Payloads are not deleted on receipt (a redelivery needs them): the bucket expires them.
 * {@link #sendAll} sends up to ten messages per SendMessageBatch call.
 */
public final class SqsWorkQueue implements WorkQueue {
    private static final String JSON = "application/json";

    /** What SQS takes in one SendMessageBatch: every body and attribute of its messages together (256 KiB). */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final SqsClient sqs;
    private final BlobStore payloads;
    private final SqsWorkQueueSettings settings;
    private final MessageTrace trace;

    public SqsWorkQueue(SqsClient sqs, BlobStore payloads, SqsWorkQueueSettings settings) {
        this(sqs, payloads, settings, MessageTrace.NONE);
    }

    /** @param trace the trace context each message carries as its {@code traceparent} attribute */
    public SqsWorkQueue(SqsClient sqs, BlobStore payloads, SqsWorkQueueSettings settings, MessageTrace trace) {
        this.sqs = sqs;
        this.payloads = payloads;
        this.settings = settings;
        this.trace = trace;
    }

    @Override
    public void send(QueueMessage message, Duration delay) {
        int delaySeconds = delaySeconds(delay);
        send(prepare(0, message), delaySeconds);
    }

    private void send(Outgoing m, int delaySeconds) {
        try {
            sqs.sendMessage(b -> b.queueUrl(settings.queueUrl())
                    .messageBody(m.body())
                    .delaySeconds(delaySeconds)
                    .messageAttributes(m.attributes()));
        } catch (SdkException e) {
            throw AwsFailures.classify("send to " + settings.queueUrl(), e);
        }
    }

    /**
     * Up to ten messages per SendMessageBatch, fewer when their bodies and attributes would exceed what one call
     * takes; a message too large for any batch goes alone. SQS answers per entry: a refused entry (the sender's
     * fault) is permanent, any other failed entry transient; a failed call fails every entry of it.
     */
    @Override
    public List<Unsent> sendAll(List<? extends QueueMessage> messages) {
        List<Unsent> unsent = new ArrayList<>();
        List<Outgoing> batch = new ArrayList<>();
        int batchBytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            Outgoing m;
            try {
                m = prepare(i, messages.get(i));
            } catch (PortException e) {
                // Its body could not be stored aside: this message is not sent, the others still are.
                unsent.add(new Unsent(i, e));
                continue;
            }
            if (m.bytes() > MAX_BATCH_BYTES) {
                try {
                    send(m, 0);
                } catch (PortException e) {
                    unsent.add(new Unsent(i, e));
                }
                continue;
            }
            if (!batch.isEmpty() && (batch.size() == BATCH_SIZE || batchBytes + m.bytes() > MAX_BATCH_BYTES)) {
                sendBatch(batch, unsent);
                batch.clear();
                batchBytes = 0;
            }
            batch.add(m);
            batchBytes += m.bytes();
        }
        if (!batch.isEmpty()) {
            sendBatch(batch, unsent);
        }
        unsent.sort(Comparator.comparingInt(Unsent::index));
        return unsent;
    }

    private void sendBatch(List<Outgoing> batch, List<Unsent> unsent) {
        List<SendMessageBatchRequestEntry> entries = batch.stream()
                .map(m -> SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(m.index()))
                        .messageBody(m.body())
                        .messageAttributes(m.attributes())
                        .build())
                .toList();
        try {
            SendMessageBatchResponse response =
                    sqs.sendMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries));
            for (BatchResultErrorEntry failed : response.failed()) {
                String why = "cannot send to " + settings.queueUrl() + ": " + failed.code() + " " + failed.message();
                unsent.add(new Unsent(
                        Integer.parseInt(failed.id()),
                        Boolean.TRUE.equals(failed.senderFault())
                                ? new PermanentException(why, null)
                                : new TransientException(why, null)));
            }
        } catch (SdkException e) {
            PortException failure =
                    AwsFailures.classify("send " + batch.size() + " messages to " + settings.queueUrl(), e);
            batch.forEach(m -> unsent.add(new Unsent(m.index(), failure)));
        }
    }

    /** One message as it goes on the wire: its body (or claim check), its attributes and their size to SQS. */
    private record Outgoing(int index, String body, Map<String, MessageAttributeValue> attributes, int bytes) {}

    private Outgoing prepare(int index, QueueMessage message) {
        String body = DomainJson.write(message);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, MessageAttributeValue> attributes = attributes(message);
        if (bytes.length > settings.claimCheckThresholdBytes()) {
            String key = payloadKey(message);
            payloads.put(key, bytes, JSON);
            body = new ClaimCheck(key, bytes.length).toJson();
            attributes.put(SqsMessageAttributes.PAYLOAD_KEY, text(key));
        }
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            size += utf8(a.getKey())
                    + utf8(a.getValue().dataType())
                    + utf8(a.getValue().stringValue());
        }
        return new Outgoing(index, body, attributes, size);
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
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

    private Map<String, MessageAttributeValue> attributes(QueueMessage message) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        trace.traceparent(message).ifPresent(t -> attributes.put(SqsMessageAttributes.TRACEPARENT, text(t)));
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
