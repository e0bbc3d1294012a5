package dev.sluice.emulators.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

@ExtendWith(S3ProxyExtension.class)
class S3ProxyServerIT {

    static S3Client client(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static S3Client client(URI endpoint) {
        return client(endpoint, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    @Test
    void theSharedServerStoresObjects(S3ProxyServer s3) {
        assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
        try (S3Client client = client(s3.endpoint())) {
            client.createBucket(b -> b.bucket("emulator-smoke"));
            client.putObject(b -> b.bucket("emulator-smoke").key("a/b.txt"), RequestBody.fromString("hello"));
            assertThat(client.getObjectAsBytes(b -> b.bucket("emulator-smoke").key("a/b.txt"))
                            .asUtf8String())
                    .isEqualTo("hello");
        }
    }

    @Test
    void aRequestSignedWithOtherCredentialsIsRefused(S3ProxyServer s3) {
        try (S3Client client = client(s3.endpoint(), "intruder", "wrong")) {
            assertThatThrownBy(client::listBuckets)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void aFilesystemServerKeepsObjectsAcrossRestartsAndFreesItsPortOnClose(@TempDir Path dir) {
        int port;
        try (S3ProxyServer first = S3ProxyServer.startFilesystem(dir.resolve("blobs"));
                S3Client client = client(first.endpoint())) {
            port = first.endpoint().getPort();
            client.createBucket(b -> b.bucket("kept"));
            client.putObject(b -> b.bucket("kept").key("k"), RequestBody.fromString("still here"));
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        try (S3ProxyServer second = S3ProxyServer.startFilesystem(dir.resolve("blobs"));
                S3Client client = client(second.endpoint())) {
            assertThat(client.getObjectAsBytes(b -> b.bucket("kept").key("k")).asUtf8String())
                    .isEqualTo("still here");
        }
    }
}
