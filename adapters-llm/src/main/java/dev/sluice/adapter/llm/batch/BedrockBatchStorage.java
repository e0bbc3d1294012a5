package dev.sluice.adapter.llm.batch;

import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where Bedrock's batch inference reads a window's records and writes their answers: the stack's bucket, under
 * {@code batches/bedrock/}, through the service role Bedrock assumes to do it.
 *
 * @param roleArn the role named on each model invocation job
 */
public record BedrockBatchStorage(S3Client s3, String bucket, String roleArn) {
    public BedrockBatchStorage {
        Objects.requireNonNull(s3, "'s3' must not be null");
        Objects.requireNonNull(bucket, "'bucket' must not be null");
        Objects.requireNonNull(roleArn, "'roleArn' must not be null");
    }
}
