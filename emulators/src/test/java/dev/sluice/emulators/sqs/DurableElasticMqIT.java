package dev.sluice.emulators.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class DurableElasticMqIT {

    @Test
    void queuesMessagesInFlightMessagesAndRedrivePoliciesSurviveARestartOnANewPort(@TempDir Path dir) throws Exception {
        int firstPort;
        try (ElasticMq first = ElasticMq.startDurable(dir);
                SqsClient sqs = ElasticMqIT.client(first.endpoint())) {
            firstPort = first.endpoint().getPort();
            String dlq = sqs.createQueue(b -> b.queueName("durable-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String work = sqs.createQueue(b -> b.queueName("durable-work")
                            .attributes(Map.of(
                                    QueueAttributeName.REDRIVE_POLICY,
                                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")))
                    .queueUrl();
            sqs.sendMessage(b -> b.queueUrl(work).messageBody("waiting"));
            sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("dead"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(work).visibilityTimeout(2))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("waiting");
            sqs.sendMessage(b -> b.queueUrl(work).messageBody("second"));
        }

        try (ElasticMq second = ElasticMq.startDurable(dir);
                SqsClient sqs = ElasticMqIT.client(second.endpoint())) {
            String work = sqs.getQueueUrl(b -> b.queueName("durable-work")).queueUrl();
            String dlq = sqs.getQueueUrl(b -> b.queueName("durable-dlq")).queueUrl();
            assertThat(work).startsWith(second.endpoint() + "/");
            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(work).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                            .attributes()
                            .get(QueueAttributeName.REDRIVE_POLICY))
                    .contains("durable-dlq")
                    .contains("3");
            assertThat(sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("dead");
            // The message received before the restart is still in flight until its two seconds are up.
            assertThat(sqs.receiveMessage(b -> b.queueUrl(work).maxNumberOfMessages(10))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("second");
            Thread.sleep(2_200);
            Message redelivered = sqs.receiveMessage(b -> b.queueUrl(work)
                            .maxNumberOfMessages(10)
                            .messageSystemAttributeNames(
                                    software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName
                                            .APPROXIMATE_RECEIVE_COUNT))
                    .messages()
                    .getFirst();
            assertThat(redelivered.body()).isEqualTo("waiting");
            assertThat(redelivered.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
        }
        assertThat(firstPort).isPositive();
    }

    @Test
    void aSecondDurableServerInTheSameJvmIsRefusedWhileTheFirstRuns(@TempDir Path dir) {
        try (ElasticMq first = ElasticMq.startDurable(dir.resolve("a"))) {
            assertThatThrownBy(() -> ElasticMq.startDurable(dir.resolve("b")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            assertThat(first.isClosed()).isFalse();
        }
    }
}
