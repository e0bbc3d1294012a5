package dev.sluice.adapter.aws.s3;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/** A client for the shared s3proxy and a fresh bucket on it. */
public final class S3Stand {
    private S3Stand() {}

    public static S3Client client(S3ProxyServer s3) {
        return AwsClients.s3(
                AwsClientSettings.local(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    }

    public static String freshBucket(S3Client client) {
        String bucket = "test-" + UUID.randomUUID().toString().substring(0, 18);
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
