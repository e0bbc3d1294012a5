package dev.sluice.adapter.retrieval.opensearch;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * How to reach OpenSearch and how to build its indexes.
 *
 * @param endpoint {@code http(s)://host:port}; with SigV4 only the host is used (always HTTPS)
 * @param sigV4 empty for plain HTTP(S); present for Amazon OpenSearch Service ({@code es}) or Serverless ({@code aoss})
 * @param engine the k-NN engine of new indexes: {@code lucene} (default), {@code faiss} or {@code nmslib}
 * @param refreshOnWrite make writes visible to search before returning (Serverless does not allow it)
 */
public record OpenSearchSettings(URI endpoint, Optional<SigV4> sigV4, String engine, boolean refreshOnWrite) {
    public OpenSearchSettings {
        Objects.requireNonNull(endpoint, "'endpoint' must not be null");
        Objects.requireNonNull(sigV4, "'sigV4' must not be null");
        Objects.requireNonNull(engine, "'engine' must not be null");
    }

    /** Plain HTTP(S), Lucene engine, refresh on write: a self-managed cluster or the local node. */
    public static OpenSearchSettings plain(URI endpoint) {
        return new OpenSearchSettings(endpoint, Optional.empty(), "lucene", true);
    }

    /** Signed requests for Amazon OpenSearch Service ({@code es}) or Serverless ({@code aoss}). */
    public record SigV4(String service, Region region, AwsCredentialsProvider credentials) {
        public SigV4 {
            if (!"es".equals(service) && !"aoss".equals(service)) {
                throw new IllegalArgumentException("'service' must be 'es' or 'aoss' (got '" + service + "')");
            }
            Objects.requireNonNull(region, "'region' must not be null");
            Objects.requireNonNull(credentials, "'credentials' must not be null");
        }

        public boolean serverless() {
            return "aoss".equals(service);
        }
    }
}
