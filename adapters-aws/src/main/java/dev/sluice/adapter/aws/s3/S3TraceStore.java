package dev.sluice.adapter.aws.s3;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.codec.MalformedJsonException;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.adapter.aws.resources.BucketDefinition;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TraceStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link TraceStore} as one JSON object per hop, {@code traces/{jobId}/hop-{n}.json}: recording a hop again
 * overwrites its object, and reading lists the job's prefix and orders by hop number.
 */
public final class S3TraceStore implements TraceStore {
    private static final Pattern HOP_KEY = Pattern.compile(".*/hop-(\\d+)\\.json");

    private final S3Client s3;
    private final String bucket;

    public S3TraceStore(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.bucket = settings.bucket();
    }

    @Override
    public void record(HopTrace trace) {
        String key = BucketDefinition.traceKey(trace.jobId(), trace.hop());
        try {
            s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType("application/json"),
                    RequestBody.fromString(DomainJson.write(trace)));
        } catch (SdkException e) {
            throw AwsFailures.classify("put trace s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public List<HopTrace> find(JobId job) {
        List<HopKey> keys = new ArrayList<>();
        try {
            // Key order is lexical (hop-10 before hop-2): collect and sort by the hop number instead.
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(BucketDefinition.tracesPrefix(job)))
                    .contents()) {
                Matcher m = HOP_KEY.matcher(object.key());
                if (m.matches()) {
                    keys.add(new HopKey(Integer.parseInt(m.group(1)), object.key()));
                }
            }
        } catch (SdkException e) {
            throw AwsFailures.classify("list traces of " + job, e);
        }
        keys.sort(Comparator.comparingInt(HopKey::hop));
        List<HopTrace> traces = new ArrayList<>();
        for (HopKey key : keys) {
            read(key.key()).ifPresent(traces::add);
        }
        return traces;
    }

    private java.util.Optional<HopTrace> read(String key) {
        try {
            return java.util.Optional.of(DomainJson.readHopTrace(
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String()));
        } catch (NoSuchKeyException e) {
            // Listed, then gone: nothing to show.
            return java.util.Optional.empty();
        } catch (MalformedJsonException e) {
            throw new PermanentException(
                    "trace s3://" + bucket + "/" + key + " is not a hop trace: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw AwsFailures.classify("get trace s3://" + bucket + "/" + key, e);
        }
    }

    private record HopKey(int hop, String key) {}
}
