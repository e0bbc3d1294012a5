package dev.sluice.bootstrap.dispatcher;

import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The domain values behind the API's golden responses in {@code src/test/resources/golden/}. */
final class ViewValues {
    static final Instant AT = Instant.parse("2026-01-01T00:05:00.123456789Z");

    private ViewValues() {}

    static HopRecord hop() {
        return new HopRecord(
                0,
                Map.of("draft", "a draft"),
                "fast",
                "gpt-4o-mini",
                List.of("primary (circuit open)"),
                true,
                new TokenUsage(100, 20, 5),
                Cost.usd("0.000027"),
                Fixtures.T0,
                Duration.ofNanos(1_500_123_456));
    }

    static Job queuedJob() {
        return Job.queued(
                new JobId("job_q"),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "why is the sky blue?"),
                "fp-q",
                new CorrelationId("corr-q"),
                Optional.empty(),
                Optional.empty(),
                Priority.INTERACTIVE,
                Fixtures.T0);
    }

    static Job succeededJob() {
        return Job.queued(
                        new JobId("job_full"),
                        Fixtures.TENANT,
                        Fixtures.twoHopPipeline(),
                        Map.of("question", "why?"),
                        "fp-123",
                        new CorrelationId("corr-j"),
                        Optional.of("idem-1"),
                        Optional.of(new BatchId("bat_1")),
                        Priority.BATCH,
                        Fixtures.T0)
                .advancedWith(hop(), AT)
                .advancedWith(Fixtures.hop(1, "final", "final answer"), AT)
                .succeeded("final answer", AT);
    }

    static Job failedJob() {
        return queuedJob()
                .advancedWith(Fixtures.hop(0, "draft", "d"), AT)
                .failed("step 'answer': model 'fast' refused (content filtered)", AT);
    }

    static Batch batch() {
        return new Batch(
                new BatchId("bat_9"),
                Fixtures.TENANT,
                "two-hop",
                List.of(new JobId("job_a"), new JobId("job_b"), new JobId("job_c")),
                1,
                1,
                new CorrelationId("corr-b"),
                Fixtures.T0);
    }

    /** A job's hops as the operator reads them: one answered, one that failed with the provider's words. */
    static List<HopTrace> traces() {
        return List.of(
                new HopTrace(
                        new JobId("job_t"),
                        new CorrelationId("corr-t"),
                        0,
                        List.of(new RetrievedChunk("c1", "doc.md", "chunk text", 0.8712345, Map.of("lang", "en"))),
                        Optional.of("system"),
                        Optional.of("prompt"),
                        new HopTrace.Answered(
                                new HopRecord(
                                        0,
                                        Map.of("answer", "response"),
                                        "fast",
                                        "gpt-4o-mini",
                                        List.of("primary (throttled)"),
                                        false,
                                        new TokenUsage(40, 12, 8),
                                        Cost.usd("0.0012"),
                                        Fixtures.T0,
                                        Duration.ofMillis(812)),
                                "response",
                                "{\"raw\":true}",
                                false),
                        List.of("model 'primary': ThrottledException: primary answered 429")),
                new HopTrace(
                        new JobId("job_t"),
                        new CorrelationId("corr-t"),
                        1,
                        List.of(),
                        Optional.of("system"),
                        Optional.of("prompt 2"),
                        new HopTrace.Failed("fast", AT, Duration.ofMillis(40)),
                        List.of("step 'answer': model 'fast': PermanentException: fast answered 400")));
    }
}
