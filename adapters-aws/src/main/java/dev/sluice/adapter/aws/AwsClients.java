package dev.sluice.adapter.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients the adapters take, all on the light URL-connection HTTP client (no Apache or Netty: they
 * cost cold-start time and jar size on Lambda). Build each client once, at initialisation, and share it.
 */
public final class AwsClients {
    private AwsClients() {}

    public static SqsClient sqs(AwsClientSettings settings) {
        return configure(SqsClient.builder(), settings).build();
    }

    /** Path-style addressing when the endpoint is overridden: stand-ins do not serve bucket subdomains. */
    public static S3Client s3(AwsClientSettings settings) {
        return configure(S3Client.builder(), settings)
                .forcePathStyle(settings.endpointOverride().isPresent())
                .build();
    }

    public static DynamoDbClient dynamoDb(AwsClientSettings settings) {
        return configure(DynamoDbClient.builder(), settings).build();
    }

    public static EventBridgeClient eventBridge(AwsClientSettings settings) {
        return configure(EventBridgeClient.builder(), settings).build();
    }

    public static SecretsManagerClient secretsManager(AwsClientSettings settings) {
        return configure(SecretsManagerClient.builder(), settings).build();
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, AwsClientSettings settings) {
        builder.region(Region.of(settings.region())).credentialsProvider(credentials(settings));
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        builder.httpClient(httpClient(settings));
        return builder;
    }

    private static SdkHttpClient httpClient(AwsClientSettings settings) {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.socketTimeout())
                .build();
    }

    private static AwsCredentialsProvider credentials(AwsClientSettings settings) {
        return settings.credentials()
                .<AwsCredentialsProvider>map(
                        k -> StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKey(), k.secretKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }
}
