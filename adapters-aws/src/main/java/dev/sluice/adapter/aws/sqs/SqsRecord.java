package dev.sluice.adapter.aws.sqs;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * One received SQS message in plain strings: what both {@code ReceiveMessage} and a Lambda SQS event record carry
 * (this module does not know Lambda types; the handler copies its record's fields in).
 *
 * @param attributes system attributes such as {@code ApproximateReceiveCount}
 * @param messageAttributes the string values of the message attributes
 */
public record SqsRecord(
        String messageId, String body, Map<String, String> attributes, Map<String, String> messageAttributes) {
    public SqsRecord {
        Objects.requireNonNull(messageId, "'messageId' must not be null");
        Objects.requireNonNull(body, "'body' must not be null");
        attributes = Map.copyOf(attributes);
        messageAttributes = Map.copyOf(messageAttributes);
    }

    /**
     * From a received SDK message; receive with {@code messageSystemAttributeNames(ApproximateReceiveCount)} and
     * {@code messageAttributeNames("All")} to keep the delivery count and attributes.
     */
    public static SqsRecord of(Message message) {
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, MessageAttributeValue> e :
                message.messageAttributes().entrySet()) {
            if (e.getValue().stringValue() != null) {
                values.put(e.getKey(), e.getValue().stringValue());
            }
        }
        return new SqsRecord(message.messageId(), message.body(), message.attributesAsStrings(), values);
    }
}
