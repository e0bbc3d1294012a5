package dev.sluice.adapter.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.BlobStoreContract;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(S3ProxyExtension.class)
class S3BlobStoreIT extends BlobStoreContract {
    private static S3Client client;
    private S3BlobStore store;
    private String bucket;

    @BeforeAll
    static void connect(S3ProxyServer s3) {
        client = S3Stand.client(s3);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = S3Stand.freshBucket(client);
        store = new S3BlobStore(client, new S3Settings(bucket));
    }

    @Override
    protected BlobStore store() {
        return store;
    }

    @Test
    void objectsLandUnderTheGivenKeyInTheConfiguredBucket() {
        store.put("jobs/job_1/result", "answer".getBytes(StandardCharsets.UTF_8), "text/plain");

        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("jobs/job_1/result"))
                        .asUtf8String())
                .isEqualTo("answer");
    }

    @Test
    void aMissingBucketIsPermanentAndNamesIt() {
        S3BlobStore misconfigured = new S3BlobStore(client, new S3Settings("no-such-bucket-here"));

        assertThatThrownBy(() -> misconfigured.put("jobs/x", new byte[] {1}, "application/octet-stream"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("s3://no-such-bucket-here/jobs/x");
    }
}
