package dev.sluice.adapter.aws.sqs;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.sqs.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** A client for the shared ElasticMQ, fresh queues, and receiving as a consumer does. */
final class SqsStand {
    private SqsStand() {}

    static SqsClient client(ElasticMq sqs) {
        return AwsClients.sqs(AwsClientSettings.local(sqs.endpoint(), "test", "test"));
    }

    static String freshQueue(SqsClient client) {
        String name = "test-" + UUID.randomUUID();
        return client.createQueue(b -> b.queueName(name)).queueUrl();
    }

    /** Receives without deleting, with the delivery count and every message attribute. */
    static List<Message> receive(SqsClient client, String queueUrl, Duration wait) {
        int seconds = (int) Math.min(20, (wait.toMillis() + 999) / 1000);
        return client.receiveMessage(b -> b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(seconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                        .messageAttributeNames("All"))
                .messages();
    }
}
