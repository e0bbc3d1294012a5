package dev.sluice.adapter.aws.s3;

import java.util.Objects;

/** The bucket the S3 adapters read and write. */
public record S3Settings(String bucket) {
    public S3Settings {
        Objects.requireNonNull(bucket, "'bucket' must not be null");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("'bucket' must not be blank");
        }
    }
}
