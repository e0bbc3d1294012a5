package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.sqs.ElasticMq;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The local event source against ElasticMQ: batches above SQS's 10 per request, as a batching window allows. */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class EventSourceMappingIT {
    @Test
    void aBatchOfTwentyIsGatheredAndEveryDoneMessageDeleted() throws Exception {
        try (SqsClient sqs =
                AwsClients.sqs(AwsClientSettings.local(ElasticMq.shared().endpoint(), "k", "s"))) {
            // A short visibility: a message left undeleted would be delivered again within the test.
            String queue = sqs.createQueue(b -> b.queueName("esm-" + System.nanoTime())
                            .attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2")))
                    .queueUrl();
            for (int from = 0; from < 40; from += 10) {
                int first = from;
                sqs.sendMessageBatch(b -> b.queueUrl(queue)
                        .entries(IntStream.range(first, first + 10)
                                .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                                        .id("m" + i)
                                        .messageBody("message " + i)
                                        .build())
                                .toList()));
            }
            List<Integer> batches = new CopyOnWriteArrayList<>();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<String> again = new CopyOnWriteArrayList<>();
            try (EventSourceMapping mapping = new EventSourceMapping(
                    sqs,
                    queue,
                    new EventSourceMapping.Options("consumer", 20, Duration.ofSeconds(1), 1, Duration.ofSeconds(30)),
                    (event, context) -> {
                        batches.add(event.getRecords().size());
                        event.getRecords().forEach(r -> {
                            if (!seen.add(r.getBody())) {
                                again.add(r.getBody());
                            }
                        });
                        return new SQSBatchResponse(List.of());
                    })) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 40 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                // Past the visibility timeout: anything not deleted would be back by now.
                Thread.sleep(3_000);
            }
            assertThat(seen).hasSize(40);
            assertThat(again).as("messages delivered twice").isEmpty();
            assertThat(batches).contains(20);
        }
    }
}
