package dev.sluice.adapter.aws.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;

class DomainJsonTest {
    private static final Instant AT = GoldenValues.AT;

    private static Envelope envelope() {
        return GoldenValues.envelope();
    }

    private static Job fullJob() {
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
        HopRecord hop = new HopRecord(
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
        return queued.advancedWith(hop, AT).succeeded("final answer", AT);
    }

    @Test
    void anEnvelopeHasStableFieldNames() {
        assertThat(DomainJson.write(envelope()))
                .isEqualTo(
                        "{\"type\":\"envelope\",\"jobId\":\"job_1\",\"tenant\":\"acme\",\"correlationId\":\"corr-1\","
                                + "\"pipeline\":\"two-hop\",\"hop\":1,\"attempt\":3,\"deadline\":\"2026-05-01T10:15:30Z\"}");
    }

    @Test
    void envelopesRoundTripWithAndWithoutDeadline() {
        Envelope withDeadline = envelope();
        Envelope without =
                new Envelope(new JobId("job_2"), Fixtures.TENANT, new CorrelationId("c"), "p", 0, 1, Optional.empty());

        assertThat(DomainJson.readQueueMessage(DomainJson.write(withDeadline))).isEqualTo(withDeadline);
        assertThat(DomainJson.readQueueMessage(DomainJson.write(without))).isEqualTo(without);
        assertThat(DomainJson.write(without)).doesNotContain("deadline");
    }

    @Test
    void ingestRequestsRoundTrip() {
        IngestRequest request = new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("corr-i"),
                "docs",
                List.of(
                        new Document("a", "text/markdown", "# Title\n\nüñí ✓ \"quoted\"", Map.of("lang", "en")),
                        new Document("b", "text/plain", "", Map.of())),
                List.of("old-1", "old-2"));

        assertThat(DomainJson.readQueueMessage(DomainJson.write(request))).isEqualTo(request);
    }

    @Test
    void hopTracesRoundTripIncludingAbsentParts() {
        HopTrace full = new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                2,
                List.of(new RetrievedChunk("c1", "doc", "text", 0.8712345, Map.of("k", "v"))),
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
        HopTrace sparse = new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                0,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                new HopTrace.Unknown(
                        "", List.of(), true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                List.of());

        HopTrace failed = new HopTrace(
                new JobId("job_t"),
                new CorrelationId("corr-t"),
                1,
                List.of(),
                Optional.of("system"),
                Optional.of("prompt"),
                new HopTrace.Failed("fast", AT, Duration.ofMillis(40)),
                List.of("step 'answer': model 'fast': PermanentException: fast answered 400: {\"error\":\"...\"}"));

        assertThat(DomainJson.readHopTrace(DomainJson.write(full))).isEqualTo(full);
        assertThat(DomainJson.readHopTrace(DomainJson.write(sparse))).isEqualTo(sparse);
        assertThat(DomainJson.readHopTrace(DomainJson.write(failed))).isEqualTo(failed);
        assertThat(DomainJson.write(full)).doesNotContain("\"errors\"");
    }

    /** The trace holds its hop's record; its JSON never held the outputs, nor whether the tenant was told of a hit. */
    @Test
    void anAnsweredHopsRecordReadsBackWithoutItsOutputsAndAHitWithoutUsageAsOneTheTenantWasToldOf() {
        HopRecord told = new HopRecord(
                0,
                Map.of("answer", "cached answer"),
                "fast",
                "gpt-4o-mini",
                List.of(),
                true,
                TokenUsage.ZERO,
                Cost.ZERO,
                AT,
                Duration.ofMillis(3));
        HopRecord untold = new HopRecord(
                0,
                Map.of("answer", "cached answer"),
                "fast",
                "gpt-4o-mini",
                List.of(),
                false,
                new TokenUsage(40, 12),
                Cost.usd("0.0001"),
                AT,
                Duration.ofMillis(3));

        for (HopRecord record : List.of(told, untold)) {
            HopTrace trace = new HopTrace(
                    new JobId("job_t"),
                    new CorrelationId("corr-t"),
                    0,
                    List.of(),
                    Optional.of(""),
                    Optional.of("prompt"),
                    new HopTrace.Answered(record, "cached answer", "", true),
                    List.of());
            HopTrace.Answered read =
                    DomainJson.readHopTrace(DomainJson.write(trace)).answered().orElseThrow();

            assertThat(read.record())
                    .isEqualTo(new HopRecord(
                            0,
                            Map.of(),
                            record.model(),
                            record.modelId(),
                            record.fallbacks(),
                            record.cacheHit(),
                            record.usage(),
                            record.cost(),
                            record.startedAt(),
                            record.duration()));
            assertThat(read.cacheHit()).isTrue();
        }
    }

    @Test
    void jobsRoundTripWithHopsAndOptionalParts() {
        Job full = fullJob();
        Job bare = Fixtures.job();

        assertThat(DomainJson.readJob(DomainJson.write(full))).isEqualTo(full);
        assertThat(DomainJson.readJob(DomainJson.write(bare))).isEqualTo(bare);
        assertThat(DomainJson.write(full))
                .contains("\"cost\":\"0.000027\"")
                .contains("\"duration\":\"PT1.500123456S\"");
    }

    @Test
    void hopRecordsAndBatchesRoundTrip() {
        HopRecord record = Fixtures.hop(1, "final", "answer");
        Batch batch = new Batch(
                new BatchId("bat_9"),
                Fixtures.TENANT,
                "two-hop",
                List.of(new JobId("job_a"), new JobId("job_b")),
                1,
                1,
                new CorrelationId("corr-b"),
                Fixtures.T0);

        assertThat(DomainJson.readHopRecord(DomainJson.write(record))).isEqualTo(record);
        assertThat(DomainJson.readBatch(DomainJson.write(batch))).isEqualTo(batch);
    }

    @Test
    void everyKindOfEventRoundTripsWithItsTypeAsDiscriminator() {
        Job job = fullJob();
        Batch batch = new Batch(
                new BatchId("bat_9"),
                Fixtures.TENANT,
                "two-hop",
                List.of(job.id()),
                1,
                0,
                new CorrelationId("corr-b"),
                Fixtures.T0);
        List<DomainEvent> events = List.of(
                new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT),
                new DomainEvent.JobFailed(job.failed("boom", AT), job.correlationId(), job.tenant(), AT),
                new DomainEvent.BatchCompleted(batch, batch.correlationId(), batch.tenant(), AT));

        for (DomainEvent event : events) {
            String json = DomainJson.write(event);
            assertThat(json).startsWith("{\"type\":\"" + event.type() + "\"");
            assertThat(DomainJson.readDomainEvent(json)).isEqualTo(event);
        }
    }

    @Test
    void fieldsAWriterAddsLaterAreIgnored() {
        String json = DomainJson.write(envelope()).replace("{\"type\"", "{\"addedLater\":{\"x\":[1]},\"type\"");

        assertThat(DomainJson.readQueueMessage(json)).isEqualTo(envelope());
    }

    @Test
    void malformedDocumentsNameWhatIsWrong() {
        assertThatThrownBy(() -> DomainJson.readQueueMessage("not json"))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> DomainJson.readQueueMessage("[1,2]"))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessage("the document must be a JSON object");
        assertThatThrownBy(() -> DomainJson.readQueueMessage("{\"type\":\"pizza\"}"))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("'type' must be 'envelope' or 'ingest', got 'pizza'");
        assertThatThrownBy(() -> DomainJson.readQueueMessage(
                        DomainJson.write(envelope()).replace("\"hop\":1", "\"hop\":\"one\"")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("'hop' must be an integer");
        assertThatThrownBy(() ->
                        DomainJson.readQueueMessage(DomainJson.write(envelope()).replace("\"hop\":1", "\"hop\":-1")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("invalid envelope: 'hop' must not be negative");
        assertThatThrownBy(() -> DomainJson.readJob(DomainJson.write(fullJob()).replace("\"model\":\"fast\",", "")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("'hops[0].model' is missing");
        assertThatThrownBy(() -> DomainJson.readJob(DomainJson.write(fullJob()).replace("SUCCEEDED", "DONE")))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining("'status' must be one of");
    }
}
