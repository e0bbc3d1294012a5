package dev.sluice.adapter.aws.resources;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Creates {@link TableDefinition}s on a DynamoDB endpoint (AWS or a local stand-in), leaving existing tables alone. */
public final class DynamoDbTables {
    private DynamoDbTables() {}

    /** What {@link #createIfAbsent} did for one table. */
    public record Provisioned(TableDefinition table, boolean created, boolean ttlEnabled) {}

    /**
     * Creates each table that does not exist yet, waits until it is active and turns on its TTL. An endpoint without
     * the TTL API (dynalite) is reported with {@code ttlEnabled = false}: nothing expires there, which is why every
     * reader filters expired items itself.
     */
    public static List<Provisioned> createIfAbsent(DynamoDbClient client, List<TableDefinition> tables) {
        List<Provisioned> done = new ArrayList<>();
        for (TableDefinition table : tables) {
            boolean created = create(client, table);
            client.waiter().waitUntilTableExists(b -> b.tableName(table.name()));
            done.add(new Provisioned(table, created, enableTtl(client, table)));
        }
        return List.copyOf(done);
    }

    private static boolean create(DynamoDbClient client, TableDefinition table) {
        try {
            client.describeTable(b -> b.tableName(table.name()));
            return false;
        } catch (ResourceNotFoundException absent) {
            try {
                client.createTable(request(table));
                return true;
            } catch (ResourceInUseException e) {
                return false; // another process created it between our describe and create
            }
        }
    }

    static CreateTableRequest request(TableDefinition table) {
        CreateTableRequest.Builder b = CreateTableRequest.builder()
                .tableName(table.name())
                .billingMode(BillingMode.fromValue(table.billing().apiValue()))
                .attributeDefinitions(table.keyAttributes().stream()
                        .map(k -> AttributeDefinition.builder()
                                .attributeName(k.name())
                                .attributeType(
                                        ScalarAttributeType.fromValue(k.type().code()))
                                .build())
                        .toList())
                .keySchema(keySchema(table.partitionKey(), table.sortKey()));
        if (!table.globalIndexes().isEmpty()) {
            b.globalSecondaryIndexes(table.globalIndexes().stream()
                    .map(i -> GlobalSecondaryIndex.builder()
                            .indexName(i.name())
                            .keySchema(keySchema(i.partitionKey(), i.sortKey()))
                            .projection(Projection.builder()
                                    .projectionType(ProjectionType.fromValue(
                                            i.projection().name()))
                                    .build())
                            .build())
                    .toList());
        }
        return b.build();
    }

    private static List<KeySchemaElement> keySchema(
            TableDefinition.Key partition, java.util.Optional<TableDefinition.Key> sort) {
        List<KeySchemaElement> schema = new ArrayList<>();
        schema.add(KeySchemaElement.builder()
                .attributeName(partition.name())
                .keyType(KeyType.HASH)
                .build());
        sort.ifPresent(k -> schema.add(KeySchemaElement.builder()
                .attributeName(k.name())
                .keyType(KeyType.RANGE)
                .build()));
        return schema;
    }

    private static boolean enableTtl(DynamoDbClient client, TableDefinition table) {
        if (table.ttlAttribute().isEmpty()) {
            return false;
        }
        String attribute = table.ttlAttribute().get();
        try {
            var current =
                    client.describeTimeToLive(b -> b.tableName(table.name())).timeToLiveDescription();
            if (current != null
                    && attribute.equals(current.attributeName())
                    && (current.timeToLiveStatus() == TimeToLiveStatus.ENABLED
                            || current.timeToLiveStatus() == TimeToLiveStatus.ENABLING)) {
                return true;
            }
            client.updateTimeToLive(b -> b.tableName(table.name())
                    .timeToLiveSpecification(s -> s.attributeName(attribute).enabled(true)));
            return true;
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null
                    && "UnknownOperationException".equals(e.awsErrorDetails().errorCode())) {
                return false;
            }
            throw e;
        }
    }
}
