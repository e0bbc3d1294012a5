package dev.sluice.adapter.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.TraceStoreContract;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

        assertThat(store.find(job)).extracting(HopTrace::hop).containsExactly(0, 1, 2, 10, 11);
    }

    @Test
    void aJobWhoseIdPrefixesAnotherSeesOnlyItsOwnTraces() {
        store.record(minimal(new JobId("job_1"), 0));
        store.record(minimal(new JobId("job_10"), 0));

        assertThat(store.find(new JobId("job_1"))).extracting(HopTrace::jobId).containsExactly(new JobId("job_1"));
    }

    @Test
    void aTraceWithoutOptionalPartsComesBackAsRecorded() {
        JobId job = JobId.random();
        store.record(minimal(job, 0));

        assertThat(store.find(job)).containsExactly(minimal(job, 0));
    }
}
