package dev.sluice.local;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.net.URI;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Moves dead letters back to their queue, attributes intact, so they run again after a fix. */
final class Redriver {
    private Redriver() {}

    static int redrive(URI sqsEndpoint, String deadLetterQueueUrl, String queueUrl) {
        int moved = 0;
        try (SqsClient sqs = AwsClients.sqs(
                AwsClientSettings.local(sqsEndpoint, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            while (true) {
                var batch = sqs.receiveMessage(r -> r.queueUrl(deadLetterQueueUrl)
                                .maxNumberOfMessages(10)
                                .waitTimeSeconds(1)
                                .messageAttributeNames("All")
                                .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                        .messages();
                if (batch.isEmpty()) {
                    return moved;
                }
                for (Message m : batch) {
                    sqs.sendMessage(
                            r -> r.queueUrl(queueUrl).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                    sqs.deleteMessage(r -> r.queueUrl(deadLetterQueueUrl).receiptHandle(m.receiptHandle()));
                    moved++;
                }
            }
        }
    }
}
