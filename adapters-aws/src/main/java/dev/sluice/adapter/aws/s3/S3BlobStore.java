package dev.sluice.adapter.aws.s3;

import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.domain.port.BlobStore;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** {@link BlobStore} on one S3 bucket; callers namespace keys by job ({@code jobs/{jobId}/...}). */
public final class S3BlobStore implements BlobStore {
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final S3Client s3;
    private final String bucket;

    public S3BlobStore(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.bucket = settings.bucket();
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw AwsFailures.classify("put s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public Optional<Blob> get(String key) {
        return read(key, Optional.empty(), "get s3://" + bucket + "/" + key);
    }

    @Override
    public Optional<Blob> getRange(String key, long offset, int length) {
        if (length < 1) {
            return get(key).map(blob -> new Blob(new byte[0], blob.contentType()));
        }
        return read(
                key,
                Optional.of("bytes=" + offset + "-" + (offset + length - 1)),
                "get s3://" + bucket + "/" + key + " (" + length + " bytes at " + offset + ")");
    }

    /** The object, or the part of it {@code range} names (an HTTP Range header value). */
    private Optional<Blob> read(String key, Optional<String> range, String what) {
        try {
            ResponseBytes<GetObjectResponse> object =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range.orElse(null)));
            String contentType = object.response().contentType();
            return Optional.of(
                    new Blob(object.asByteArrayUnsafe(), contentType == null ? DEFAULT_CONTENT_TYPE : contentType));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsFailures.classify(what, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            // S3 answers 204 for a missing key too, so deleting twice is harmless.
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw AwsFailures.classify("delete s3://" + bucket + "/" + key, e);
        }
    }
}
