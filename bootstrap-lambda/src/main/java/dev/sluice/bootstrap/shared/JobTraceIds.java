package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.JobId;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A job's trace id and the span id of its root span (the dispatcher's "job accepted"), derived from the job id.
 * Every hop can rejoin the job's trace from the job id alone, whatever happened to the message that carried it
 * (deferred, redelivered, redriven from a dead-letter queue, its {@code traceparent} attribute lost): the job id is on
 * the message body and the job record, so the trace id is too.
 */
public final class JobTraceIds {
    private JobTraceIds() {}

    /** The job's 32 hex digits trace id. */
    public static String traceId(JobId job) {
        return nonZero(digest(job).substring(0, 32));
    }

    /** The 16 hex digits span id of the job's root span. */
    public static String rootSpanId(JobId job) {
        return nonZero(digest(job).substring(32, 48));
    }

    /** The job's root span as a remote parent: where a hop whose message carries no usable context attaches. */
    public static SpanContext root(JobId job) {
        return SpanContext.createFromRemoteParent(
                traceId(job), rootSpanId(job), TraceFlags.getSampled(), TraceState.getDefault());
    }

    private static String digest(JobId job) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("sluice-trace:" + job.value()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** All zeros is W3C's invalid id: one in 2^64 jobs would otherwise have no trace. */
    private static String nonZero(String hex) {
        return hex.chars().allMatch(c -> c == '0') ? hex.substring(0, hex.length() - 1) + "1" : hex;
    }
}
