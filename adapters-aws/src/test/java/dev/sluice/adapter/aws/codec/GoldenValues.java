package dev.sluice.adapter.aws.codec;

import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.IngestRequest;
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

/**
 * The domain values behind the golden JSON fixtures in {@code src/test/resources/golden/}: each fixture is what the
 * codec wrote for one of these before the codec moved to Jackson wire records, and must stay what it writes.
 */
public final class GoldenValues {
    public static final Instant AT = Instant.parse("2026-01-01T00:05:00.123456789Z");

    private GoldenValues() {}

    static Envelope envelope() {
        return new Envelope(
                new JobId("job_1"),
                Fixtures.TENANT,
                new CorrelationId("corr-1"),
                "two-hop",
                1,
                3,
                Optional.of(Instant.parse("2026-05-01T10:15:30Z")));
    }

    static Envelope envelopeWithoutDeadline() {
        return new Envelope(new JobId("job_2"), Fixtures.TENANT, new CorrelationId("c"), "p", 0, 1, Optional.empty());
    }

    static IngestRequest ingest() {
        return new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("corr-i"),
                "docs",
                List.of(
                        new Document(
                                "a",
                                "text/markdown",
                                "# Title\n\n\u00fc\u00f1\u00ed \u2713 \"quoted\" \ud83d\ude00",
                                Map.of("lang", "en", "author", "K\u00e4the")),
                        new Document("b", "text/plain", "", Map.of())),
                List.of("old-1", "old-2"));
    }

    static HopTrace fullTrace() {
        return new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                2,
                List.of(
                        new RetrievedChunk("c1", "doc", "text", 0.8712345, Map.of("k", "v", "a", "b")),
                        new RetrievedChunk("c2", "doc-2", "more \u00e9", 0.5, Map.of())),
                Optional.of("system"),
                Optional.of("prompt"),
                new HopTrace.Answered(
                        new HopRecord(
                                2,
                                Map.of(),
                                "fast",
                                "gpt-4o-mini",
                                List.of("primary (throttled)"),
                                false,
                                new TokenUsage(40, 12, 8),
                                Cost.usd("0.0000123"),
                                AT,
                                Duration.ofMillis(812)),
                        "response",
                        "{\"raw\":true}",
                        false),
                List.of());
    }

    /** Every optional part absent: no version of sluice records such a trace, but one that reads must write back. */
    static HopTrace sparseTrace() {
        return new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                0,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                new HopTrace.Unknown(
                        "", List.of(), true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                List.of());
    }

    static HopTrace failedTrace() {
        return new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                1,
                List.of(),
                Optional.of("system"),
                Optional.of("prompt"),
                new HopTrace.Failed("fast", AT, Duration.ofMillis(40)),
                List.of("step 'answer': model 'fast': PermanentException: fast answered 400: {\"error\":\"...\"}"));
    }

    public static HopRecord hopRecord() {
        return new HopRecord(
                0,
                Map.of("draft", "a draft", "notes", "n"),
                "fast",
                "gpt-4o-mini",
                List.of("primary (circuit open)"),
                true,
                new TokenUsage(100, 20, 5),
                Cost.usd("0.000027"),
                Fixtures.T0,
                Duration.ofNanos(1_500_123_456));
    }

    public static Job queuedJob() {
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

    public static Job fullJob() {
        Job queued = Job.queued(
                new JobId("job_full"),
                Fixtures.TENANT,
                Fixtures.twoHopPipeline(),
                Map.of("question", "why?", "lang", "en"),
                "fp-123",
                new CorrelationId("corr-j"),
                Optional.of("idem-1"),
                Optional.of(new BatchId("bat_1")),
                Priority.BATCH,
                Fixtures.T0);
        return queued.advancedWith(hopRecord(), AT).succeeded("final answer", AT);
    }

    public static Job failedJob() {
        return queuedJob()
                .advancedWith(Fixtures.hop(0, "draft", "d"), AT)
                .failed("step 'answer': model 'fast' refused: content filtered", AT);
    }

    public static Batch batch() {
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

    static DomainEvent jobCompleted() {
        Job job = fullJob();
        return new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT);
    }

    static DomainEvent jobFailed() {
        Job job = failedJob();
        return new DomainEvent.JobFailed(job, job.correlationId(), job.tenant(), AT);
    }

    static DomainEvent batchCompleted() {
        Batch done = new Batch(
                new BatchId("bat_9"),
                Fixtures.TENANT,
                "two-hop",
                List.of(new JobId("job_a"), new JobId("job_b")),
                1,
                1,
                new CorrelationId("corr-b"),
                Fixtures.T0);
        return new DomainEvent.BatchCompleted(done, done.correlationId(), done.tenant(), AT);
    }

    /** Queue messages by fixture name. */
    static Map<String, Envelope> envelopes() {
        return Map.of("envelope", envelope(), "envelope-without-deadline", envelopeWithoutDeadline());
    }

    static Map<String, HopTrace> traces() {
        return Map.of(
                "hop-trace-full", fullTrace(), "hop-trace-sparse", sparseTrace(), "hop-trace-failed", failedTrace());
    }

    static Map<String, Job> jobs() {
        return Map.of("job-queued", queuedJob(), "job-succeeded", fullJob(), "job-failed", failedJob());
    }

    static Map<String, DomainEvent> events() {
        return Map.of(
                "event-job-completed", jobCompleted(),
                "event-job-failed", jobFailed(),
                "event-batch-completed", batchCompleted());
    }
}
