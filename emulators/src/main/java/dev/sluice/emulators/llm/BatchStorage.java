package dev.sluice.emulators.llm;

import java.util.List;
import java.util.Optional;

/**
 * Where Bedrock's batch inference reads its input and writes its output: S3, as the caller's stand-in holds it (the
 * local runtime's s3proxy). The simulator is given one ({@link LlmSimulator#bedrockBatchStorage}) and stays free of an
 * S3 client of its own.
 */
public interface BatchStorage {
    /** The keys under {@code prefix} in {@code bucket}. */
    List<String> list(String bucket, String prefix);

    Optional<byte[]> get(String bucket, String key);

    void put(String bucket, String key, byte[] content);
}
