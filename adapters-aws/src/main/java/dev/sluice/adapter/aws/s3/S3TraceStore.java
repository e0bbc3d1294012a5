package dev.sluice.adapter.aws.s3;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.codec.MalformedJsonException;
import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.adapter.aws.resources.BucketDefinition;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TraceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link TraceStore} in S3, in two layouts. The traces of the hops a batch of deliveries answered are one object,
 * {@code traces/segments/{id}.jsonl} (a trace a line), written once the batch is done ({@link #openSegment}): one PUT
 * per invocation rather than one per hop, and each hop's memo names its segment. Every other trace (a failed hop's,
 * one recorded outside a segment or after its segment was written) is an object of its own,
 * {@code traces/{jobId}/hop-{n}.json}, which recording the hop again overwrites. Reading a job lists its own prefix,
 * reads each segment its memo names once, and orders by hop number; a memoised hop's segment trace wins over an
 * object of its own (which can only be older: a failure before the job was redriven).
 */
public final class S3TraceStore implements TraceStore {
    private static final Pattern HOP_KEY = Pattern.compile(".*/hop-(\\d+)\\.json");

    private final S3Client s3;
    private final String bucket;
    /** The segment the deliveries running on this thread record into, while a batch holds one open. */
    private final ThreadLocal<Segment> current = new ThreadLocal<>();

    public S3TraceStore(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.bucket = settings.bucket();
    }

    /**
     * A segment for one batch of deliveries: run each delivery {@link Segment#within} it, then close it to write the
     * traces they recorded as one object. Batches may run at once, each with its own segment.
     */
    public Segment openSegment() {
        return new Segment(BucketDefinition.TRACES + "segments/" + UUID.randomUUID() + ".jsonl");
    }

    @Override
    public Optional<String> place(JobId job, int hop) {
        Segment segment = current.get();
        return segment == null || segment.written ? Optional.empty() : Optional.of(segment.key);
    }

    @Override
    public void record(HopTrace trace) {
        Segment segment = current.get();
        if (segment != null && placedIn(trace, segment) && segment.keep(trace)) {
            return;
        }
        put(BucketDefinition.traceKey(trace.jobId(), trace.hop()), DomainJson.write(trace));
    }

    private static boolean placedIn(HopTrace trace, Segment segment) {
        return trace.ending() instanceof HopTrace.Answered a
                && a.record().traceAt().filter(segment.key::equals).isPresent();
    }

    @Override
    public List<HopTrace> find(Job job) {
        Map<Integer, HopTrace> byHop = new TreeMap<>();
        for (String key : ownKeys(job.id())) {
            read(key).ifPresent(trace -> byHop.put(trace.hop(), trace));
        }
        Map<String, List<HopRecord>> placed = new TreeMap<>();
        for (HopRecord hop : job.hops()) {
            hop.traceAt()
                    .ifPresent(at ->
                            placed.computeIfAbsent(at, k -> new ArrayList<>()).add(hop));
        }
        placed.forEach((key, hops) -> {
            Set<Integer> wanted = new java.util.HashSet<>();
            hops.forEach(h -> wanted.add(h.hop()));
            for (HopTrace trace : readSegment(key)) {
                if (trace.jobId().equals(job.id()) && wanted.contains(trace.hop())) {
                    byHop.put(trace.hop(), trace);
                }
            }
        });
        return List.copyOf(byHop.values());
    }

    private List<String> ownKeys(JobId job) {
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(BucketDefinition.tracesPrefix(job)))
                    .contents()) {
                Matcher m = HOP_KEY.matcher(object.key());
                if (m.matches()) {
                    keys.add(object.key());
                }
            }
        } catch (SdkException e) {
            throw AwsFailures.classify("list traces of " + job, e);
        }
        return keys;
    }

    private Optional<HopTrace> read(String key) {
        return get(key).map(json -> parse(key, json));
    }

    /** A segment that is gone (its process died before writing it, or it expired) holds nothing to show. */
    private List<HopTrace> readSegment(String key) {
        return get(key).map(body -> body.lines()
                        .filter(line -> !line.isBlank())
                        .map(line -> parse(key, line))
                        .toList())
                .orElse(List.of());
    }

    private Optional<String> get(String key) {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
        } catch (NoSuchKeyException e) {
            // Listed, then gone, or named by a memo and never written: nothing to show.
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsFailures.classify("get trace s3://" + bucket + "/" + key, e);
        }
    }

    private HopTrace parse(String key, String json) {
        try {
            return DomainJson.readHopTrace(json);
        } catch (MalformedJsonException e) {
            throw new PermanentException(
                    "trace s3://" + bucket + "/" + key + " is not a hop trace: " + e.getMessage(), e);
        }
    }

    private void put(String key, String body) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(body));
        } catch (SdkException e) {
            throw AwsFailures.classify("put trace s3://" + bucket + "/" + key, e);
        }
    }

    /** The traces one batch of deliveries answered, written as one object when the batch closes it. */
    public final class Segment implements AutoCloseable {
        private final String key;
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private volatile boolean written;

        private Segment(String key) {
            this.key = key;
        }

        /** Runs one delivery with this segment as the one its answered hops are placed in. */
        public <T> T within(Supplier<T> delivery) {
            Segment before = current.get();
            current.set(this);
            try {
                return delivery.get();
            } finally {
                if (before == null) {
                    current.remove();
                } else {
                    current.set(before);
                }
            }
        }

        /** Keeps the trace for the write at close; false once that write was made (the trace goes on its own). */
        private boolean keep(HopTrace trace) {
            synchronized (this) {
                if (written) {
                    return false;
                }
                lines.add(DomainJson.write(trace));
                return true;
            }
        }

        /** How many traces the segment holds so far. */
        public int size() {
            return lines.size();
        }

        /** Writes the segment (nothing when no hop answered in it); a trace recorded later is written on its own. */
        @Override
        public void close() {
            String body;
            synchronized (this) {
                if (written) {
                    return;
                }
                written = true;
                body = String.join("\n", lines);
            }
            if (!body.isEmpty()) {
                put(key, body + "\n");
            }
        }
    }
}
