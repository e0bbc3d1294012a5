package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.DynamoDbTables;
import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.emulators.dynamodb.Dynalite;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Clients of the JVM's shared dynalite, whose sluice tables (environment {@code it}) are created once. */
final class LocalDynamoDb {
    static final SluiceTables TABLES = new SluiceTables("it");
    private static boolean provisioned;

    private LocalDynamoDb() {}

    /** A new client, as another Lambda instance would have; the tables exist when it returns. */
    static DynamoDbClient client(ExecutionInterceptor... interceptors) {
        Dynalite dynalite = Dynalite.shared();
        DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(List.of(interceptors))
                        .build())
                .build();
        provision(client);
        return client;
    }

    private static synchronized void provision(DynamoDbClient client) {
        if (!provisioned) {
            DynamoDbTables.createIfAbsent(client, TABLES.all());
            provisioned = true;
        }
    }
}
