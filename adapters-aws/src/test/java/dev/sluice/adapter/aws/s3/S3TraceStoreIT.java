package dev.sluice.adapter.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.TraceStoreContract;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(S3ProxyExtension.class)
class S3TraceStoreIT extends TraceStoreContract {
    private static S3Client client;
    private S3TraceStore store;
    private String bucket;

    @BeforeAll
    static void connect(S3ProxyServer s3) {
        client = S3Stand.client(s3);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = S3Stand.freshBucket(client);
        store = new S3TraceStore(client, new S3Settings(bucket));
    }

    @Override
    protected TraceStore store() {
        return store;
    }

    private static HopTrace minimal(JobId job, int hop) {
        return new HopTrace(
                job,
                new CorrelationId("corr-m"),
                hop,
                List.of(),
                Optional.empty(),
                Optional.of("prompt " + hop),
                new HopTrace.Failed("", Instant.EPOCH, Duration.ZERO),
                List.of());
    }

    @Test
    void eachHopIsOneJsonObjectUnderTheJobsTracePrefix() {
        JobId job = new JobId("job_layout");
        store.record(minimal(job, 0));
        store.record(minimal(job, 1));

        assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactlyInAnyOrder("traces/job_layout/hop-0.json", "traces/job_layout/hop-1.json");
        assertThat(client.headObject(b -> b.bucket(bucket).key("traces/job_layout/hop-0.json"))
                        .contentType())
                .isEqualTo("application/json");
    }

    @Test
    void hopsAreOrderedByNumberNotByKey() {
        JobId job = JobId.random();
        for (int hop : new int[] {10, 2, 0, 11, 1}) {
            store.record(minimal(job, hop));
        }

        assertThat(store.find(memoised(job))).extracting(HopTrace::hop).containsExactly(0, 1, 2, 10, 11);
    }

    @Test
    void aJobWhoseIdPrefixesAnotherSeesOnlyItsOwnTraces() {
        store.record(minimal(new JobId("job_1"), 0));
        store.record(minimal(new JobId("job_10"), 0));

        assertThat(store.find(memoised(new JobId("job_1"))))
                .extracting(HopTrace::jobId)
                .containsExactly(new JobId("job_1"));
    }

    @Test
    void aTraceWithoutOptionalPartsComesBackAsRecorded() {
        JobId job = JobId.random();
        store.record(minimal(job, 0));

        assertThat(store.find(memoised(job))).containsExactly(minimal(job, 0));
    }

    /** An answered hop recorded as the engine records it inside a delivery: placed, then recorded. */
    private HopTrace answerWithin(S3TraceStore.Segment segment, JobId job, int hop, String response) {
        return segment.within(() -> {
            HopTrace trace = trace(job, hop, response, store.place(job, hop));
            store.record(trace);
            return trace;
        });
    }

    private List<String> keys() {
        return client.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    @Test
    void theHopsABatchAnsweredAreOneObjectWrittenWhenTheBatchCloses() throws Exception {
        List<JobId> jobs = new ArrayList<>();
        List<Future<HopTrace>> traces = new ArrayList<>();
        S3TraceStore.Segment segment = store.openSegment();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                JobId job = JobId.random();
                jobs.add(job);
                traces.add(threads.submit(() -> answerWithin(segment, job, 0, "answer of " + job)));
            }
        }
        assertThat(keys()).as("nothing is written while the batch runs").isEmpty();

        segment.close();

        assertThat(keys()).hasSize(1).allMatch(k -> k.startsWith("traces/segments/") && k.endsWith(".jsonl"));
        for (int i = 0; i < jobs.size(); i++) {
            HopTrace recorded = traces.get(i).get();
            Job job = memoised(jobs.get(i), recorded);
            assertThat(job.hops().getFirst().traceAt()).contains(keys().getFirst());
            assertThat(store.find(job)).extracting(TraceStoreContract::unplaced).containsExactly(unplaced(recorded));
        }
    }

    @Test
    void batchesRunningAtOnceEachKeepTheirOwnSegmentAndAHopOutsideOneIsWrittenAtOnce() {
        JobId one = JobId.random();
        JobId other = JobId.random();
        S3TraceStore.Segment first = store.openSegment();
        S3TraceStore.Segment second = store.openSegment();
        HopTrace oneHop0 = answerWithin(first, one, 0, "plan");
        HopTrace otherHop0 = answerWithin(second, other, 0, "draft");
        HopTrace oneHop1 = trace(one, 1, "answer", store.place(one, 1));
        store.record(oneHop1);
        second.close();
        first.close();

        assertThat(keys()).hasSize(3).contains("traces/" + one.value() + "/hop-1.json");
        assertThat(oneHop0.ending()).isNotEqualTo(otherHop0.ending());
        assertThat(store.find(memoised(one, oneHop0, oneHop1)))
                .extracting(TraceStoreContract::unplaced)
                .containsExactly(unplaced(oneHop0), unplaced(oneHop1));
        assertThat(store.find(memoised(other, otherHop0)))
                .extracting(TraceStoreContract::unplaced)
                .containsExactly(unplaced(otherHop0));
    }

    @Test
    void aTraceRecordedAfterItsSegmentWasWrittenIsStillFound() {
        JobId job = JobId.random();
        S3TraceStore.Segment segment = store.openSegment();
        HopTrace late = segment.within(() -> {
            HopTrace trace = trace(job, 0, "late", store.place(job, 0));
            // The batch gave up waiting for this delivery and wrote its segment; the delivery records after.
            segment.close();
            store.record(trace);
            return trace;
        });

        assertThat(keys()).containsExactly("traces/" + job.value() + "/hop-0.json");
        assertThat(store.find(memoised(job, late)))
                .extracting(TraceStoreContract::unplaced)
                .containsExactly(unplaced(late));
    }

    @Test
    void aSegmentThatWasNeverWrittenLeavesItsHopsWithoutTraceAndTheJobReadable() {
        JobId job = JobId.random();
        S3TraceStore.Segment lost = store.openSegment();
        HopTrace hop0 = answerWithin(lost, job, 0, "kept in a process that died");

        assertThat(store.find(memoised(job, hop0))).isEmpty();
    }
}
