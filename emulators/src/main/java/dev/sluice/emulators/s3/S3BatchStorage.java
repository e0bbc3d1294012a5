package dev.sluice.emulators.s3;

import dev.sluice.emulators.llm.BatchStorage;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket of an S3 stand-in, through the caller's client, for the simulator's Bedrock batch inference to read records
 * from and write answers to (the local runtime's bucket, or a test's).
 */
public final class S3BatchStorage implements BatchStorage {
    private final S3Client s3;

    public S3BatchStorage(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public List<String> list(String bucket, String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    @Override
    public Optional<byte[]> get(String bucket, String key) {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(String bucket, String key, byte[] content) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }
}
