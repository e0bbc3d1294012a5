package dev.sluice.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.dynamodb.Dynalite;
import dev.sluice.emulators.sqs.ElasticMq;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The cost benchmark's counts, against the real stand-ins: what a price is multiplied by must be what AWS bills
 * (request units by item size, 64 KB chunks), and nothing is counted while it is off.
 */
class AwsRequestCounterIT {
    @AfterEach
    void off() {
        AwsRequestCounter.stop();
    }

    @Test
    void dynamoDbWritesCountRequestUnitsByItemSizeAndARefusedConditionAsOne() {
        try (DynamoDbClient ddb =
                AwsClients.dynamoDb(AwsClientSettings.local(Dynalite.shared().endpoint(), "k", "s"))) {
            String table = "counted-" + System.nanoTime();
            ddb.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("pk")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("pk")
                            .keyType(KeyType.HASH)
                            .build()));
            ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("before"))));

            AwsRequestCounter.start();
            // 2.5 KB: three write units; read strongly it is one read unit (4 KB), eventually half of one.
            ddb.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("x".repeat(2_500)))));
            ddb.getItem(b -> b.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS("a")))
                    .consistentRead(true));
            ddb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("a"))));
            try {
                ddb.putItem(b -> b.tableName(table)
                        .item(Map.of("pk", AttributeValue.fromS("a")))
                        .conditionExpression("attribute_not_exists(pk)"));
            } catch (ConditionalCheckFailedException expected) {
                // counted as one write unit
            }
            AwsRequestCounter.stop();
            ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("after"))));

            Map<String, AwsRequestCounter.Count> counts = AwsRequestCounter.counts();
            AwsRequestCounter.Count puts = counts.get("DynamoDb PutItem " + table);
            assertThat(puts.calls()).isEqualTo(2);
            assertThat(puts.failed()).isEqualTo(1);
            assertThat(puts.units()).isEqualTo(3 + 1);
            AwsRequestCounter.Count gets = counts.get("DynamoDb GetItem " + table);
            assertThat(gets.calls()).isEqualTo(2);
            assertThat(gets.units()).isEqualTo(1.5);
        }
    }

    @Test
    void sqsRequestsCountOneChunkPerStarted64KbAndEmptyReceivesApart() {
        try (SqsClient sqs =
                AwsClients.sqs(AwsClientSettings.local(ElasticMq.shared().endpoint(), "k", "s"))) {
            String queue = sqs.createQueue(b -> b.queueName("counted-" + System.nanoTime()))
                    .queueUrl();
            String empty = sqs.createQueue(b -> b.queueName("empty-" + System.nanoTime()))
                    .queueUrl();
            AwsRequestCounter.start();
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("small"));
            // Ten messages of 10 KB in one batch: 100 KB of payload, two chunks, one call.
            sqs.sendMessageBatch(b -> b.queueUrl(queue)
                    .entries(java.util.stream.IntStream.range(0, 10)
                            .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                                    .id("m" + i)
                                    .messageBody("y".repeat(10_000))
                                    .build())
                            .toList()));
            sqs.receiveMessage(b -> b.queueUrl(empty).waitTimeSeconds(0));
            AwsRequestCounter.stop();

            Map<String, AwsRequestCounter.Count> counts = AwsRequestCounter.counts();
            String name = queue.substring(queue.lastIndexOf('/') + 1);
            assertThat(counts.get("Sqs SendMessage " + name).chunks()).isEqualTo(1);
            AwsRequestCounter.Count batch = counts.get("Sqs SendMessageBatch " + name);
            assertThat(batch.calls()).isEqualTo(1);
            assertThat(batch.chunks()).isEqualTo(2);
            AwsRequestCounter.Count receive = counts.values().stream()
                    .filter(c -> c.operation().equals("ReceiveMessage"))
                    .findFirst()
                    .orElseThrow();
            assertThat(receive.empty()).isEqualTo(1);
            assertThat(counts.keySet())
                    .as("the queues were created before counting started")
                    .noneMatch(k -> k.startsWith("Sqs CreateQueue"))
                    .hasSize(3);
            assertThat(List.copyOf(counts.keySet())).allMatch(k -> k.startsWith("Sqs "));
        }
    }
}
