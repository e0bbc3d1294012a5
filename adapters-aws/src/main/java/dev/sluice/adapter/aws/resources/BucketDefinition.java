package dev.sluice.adapter.aws.resources;

import dev.sluice.domain.model.JobId;
import java.time.Duration;
import java.util.Objects;

/**
 * sluice's one bucket and the key layout inside it (the runtime contract): claim-checked queue bodies under
 * {@code payloads/}, results under {@code jobs/{jobId}/result}, traces under {@code traces/{jobId}/}, index
 * snapshots under {@code indexes/}.
 *
 * @param payloadExpiry how long claim-checked bodies are kept (a lifecycle rule in AWS): longer than a message can
 *     live, dead-letter queue included, since a redelivery must still find its body
 */
public record BucketDefinition(String name, Duration payloadExpiry) {
    public static final String PAYLOADS = "payloads/";
    public static final String JOBS = "jobs/";
    public static final String TRACES = "traces/";
    public static final String INDEXES = "indexes/";

    public BucketDefinition {
        Objects.requireNonNull(name, "'name' must not be null");
        Objects.requireNonNull(payloadExpiry, "'payloadExpiry' must not be null");
        if (!name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException(
                    "'name' must be 3-63 lower-case letters, digits, . or -, got '" + name + "'");
        }
        if (payloadExpiry.toDays() < 1) {
            throw new IllegalArgumentException("'payloadExpiry' must be at least a day");
        }
    }

    public static String resultKey(JobId job) {
        return JOBS + job.value() + "/result";
    }

    public static String tracesPrefix(JobId job) {
        return TRACES + job.value() + "/";
    }

    public static String traceKey(JobId job, int hop) {
        return tracesPrefix(job) + "hop-" + hop + ".json";
    }
}
