package dev.sluice.local.bench.coldstart;

import dagger.Component;
import dagger.Module;
import dagger.Provides;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Named;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The peer's object graph: one DynamoDB client, built at init, and the table it reads. */
@Singleton
@Component(modules = PeerComponent.PeerModule.class)
interface PeerComponent {
    JobLookup lookup();

    /** Reads one item by its partition key. */
    final class JobLookup {
        private final DynamoDbClient dynamo;
        private final String table;

        @Inject
        JobLookup(DynamoDbClient dynamo, @Named("table") String table) {
            this.dynamo = dynamo;
            this.table = table;
        }

        Map<String, AttributeValue> find(String id) {
            return dynamo.getItem(r -> r.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS(id)))
                            .consistentRead(true))
                    .item();
        }
    }

    @Module
    final class PeerModule {
        private PeerModule() {}

        private static Optional<String> setting(String name) {
            return Optional.ofNullable(System.getenv(name)).or(() -> Optional.ofNullable(System.getProperty(name)));
        }

        @Provides
        @Singleton
        static DynamoDbClient dynamoDb() {
            DynamoDbClientBuilder builder = DynamoDbClient.builder()
                    .region(Region.of(setting("AWS_REGION").orElse("us-east-1")))
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .httpClient(UrlConnectionHttpClient.builder().build());
            setting("AWS_ENDPOINT_URL_DYNAMODB").map(URI::create).ifPresent(builder::endpointOverride);
            return builder.build();
        }

        @Provides
        @Named("table")
        static String table() {
            return setting("SLUICE_JOBS_TABLE").orElseThrow(() -> new IllegalStateException("SLUICE_JOBS_TABLE"));
        }
    }
}
