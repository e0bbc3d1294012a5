package dev.sluice.adapter.aws.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.resources.TableDefinition.Billing;
import dev.sluice.adapter.aws.resources.TableDefinition.GlobalIndex;
import dev.sluice.adapter.aws.resources.TableDefinition.Key;
import dev.sluice.emulators.dynamodb.Dynalite;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

@ExtendWith(DynaliteExtension.class)
class DynamoDbTablesIT {

    private static DynamoDbClient client(Dynalite dynalite) {
        return DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void createsAnEnvironmentsTablesOnDemandOnceAndReportsWhereTtlIsUnsupported(Dynalite dynalite) {
        SluiceTables tables = new SluiceTables("tables" + System.nanoTime());
        try (DynamoDbClient client = client(dynalite)) {
            List<DynamoDbTables.Provisioned> first = DynamoDbTables.createIfAbsent(client, tables.all());
            assertThat(first).allMatch(DynamoDbTables.Provisioned::created);
            // dynalite has no UpdateTimeToLive: nothing expires there, which is why readers filter expiry.
            assertThat(first).noneMatch(DynamoDbTables.Provisioned::ttlEnabled);

            TableDescription jobs =
                    client.describeTable(b -> b.tableName(tables.jobs().name())).table();
            assertThat(jobs.keySchema())
                    .singleElement()
                    .satisfies(k -> assertThat(k.attributeName()).isEqualTo("pk"));
            assertThat(jobs.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);

            List<DynamoDbTables.Provisioned> again = DynamoDbTables.createIfAbsent(client, tables.all());
            assertThat(again).noneMatch(DynamoDbTables.Provisioned::created);
        }
    }

    @Test
    void aGlobalIndexIsCreatedWithItsKeys(Dynalite dynalite) {
        TableDefinition withIndex = new TableDefinition(
                "sluice-indexed-" + System.nanoTime(),
                Key.string("pk"),
                Optional.of(Key.number("sk")),
                List.of(new GlobalIndex(
                        "by-tenant",
                        Key.string("tenant"),
                        Optional.of(Key.number("sk")),
                        TableDefinition.Projection.KEYS_ONLY)),
                Optional.empty(),
                Billing.ON_DEMAND);
        try (DynamoDbClient client = client(dynalite)) {
            DynamoDbTables.createIfAbsent(client, List.of(withIndex));
            TableDescription table =
                    client.describeTable(b -> b.tableName(withIndex.name())).table();
            assertThat(table.globalSecondaryIndexes()).singleElement().satisfies(i -> {
                assertThat(i.indexName()).isEqualTo("by-tenant");
                assertThat(i.keySchema()).extracting(k -> k.attributeName()).containsExactly("tenant", "sk");
                assertThat(i.projection().projectionTypeAsString()).isEqualTo("KEYS_ONLY");
            });
            assertThat(table.attributeDefinitions()).hasSize(3);
        }
    }

    @Test
    void namesCarryTheEnvironmentAndTheCacheAndLimitsExpireByTtl() {
        SluiceTables prod = new SluiceTables("prod");
        assertThat(prod.all())
                .extracting(TableDefinition::name)
                .containsExactly("sluice-jobs-prod", "sluice-cache-prod", "sluice-limits-prod");
        assertThat(new SluiceTables("").jobs().name()).isEqualTo("sluice-jobs");
        assertThat(prod.jobs().ttlAttribute()).isEmpty();
        assertThat(prod.cache().ttlAttribute()).contains("expiresAt");
        assertThat(prod.limits().ttlAttribute()).contains("expiresAt");
        assertThat(prod.all()).allMatch(t -> t.billing() == Billing.ON_DEMAND);
    }
}
