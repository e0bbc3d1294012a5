package dev.sluice.adapter.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach AWS (or a local stand-in of it).
 *
 * @param region e.g. {@code eu-west-1}
 * @param endpointOverride a stand-in's endpoint; empty for AWS itself
 * @param credentials fixed keys (stand-ins); empty for the default provider chain (the Lambda role in AWS)
 * @param socketTimeout longer than the longest SQS long poll (20 s)
 */
public record AwsClientSettings(
        String region,
        Optional<URI> endpointOverride,
        Optional<StaticKeys> credentials,
        Duration connectTimeout,
        Duration socketTimeout) {
    public AwsClientSettings {
        Objects.requireNonNull(region, "'region' must not be null");
        Objects.requireNonNull(endpointOverride, "'endpointOverride' must not be null");
        Objects.requireNonNull(credentials, "'credentials' must not be null");
        Objects.requireNonNull(connectTimeout, "'connectTimeout' must not be null");
        Objects.requireNonNull(socketTimeout, "'socketTimeout' must not be null");
        if (region.isBlank()) {
            throw new IllegalArgumentException("'region' must not be blank");
        }
    }

    /** AWS itself, with the default credentials chain. */
    public static AwsClientSettings aws(String region) {
        return new AwsClientSettings(
                region, Optional.empty(), Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** A local stand-in at {@code endpoint}, signing with fixed keys. */
    public static AwsClientSettings local(URI endpoint, String accessKey, String secretKey) {
        return new AwsClientSettings(
                "us-east-1",
                Optional.of(endpoint),
                Optional.of(new StaticKeys(accessKey, secretKey)),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30));
    }

    /** An access key pair; the secret never appears in {@link #toString()}. */
    public record StaticKeys(String accessKey, String secretKey) {
        public StaticKeys {
            Objects.requireNonNull(accessKey, "'accessKey' must not be null");
            Objects.requireNonNull(secretKey, "'secretKey' must not be null");
        }

        @Override
        public String toString() {
            return "StaticKeys[" + accessKey + ", ***]";
        }
    }
}
