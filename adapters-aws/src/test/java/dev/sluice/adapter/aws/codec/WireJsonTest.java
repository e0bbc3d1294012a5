package dev.sluice.adapter.aws.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopTrace;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one mapper's policy: strict about what it reads, lenient about what it does not know, paths in errors. */
class WireJsonTest {
    private static final String ENVELOPE = DomainJson.write(GoldenValues.envelope());
    private static final String JOB = DomainJson.write(GoldenValues.fullJob());
    private static final String TRACE = DomainJson.write(GoldenValues.fullTrace());
    private static final String FAILED_TRACE = DomainJson.write(GoldenValues.failedTrace());
    private static final String INGEST = DomainJson.write(GoldenValues.ingest());

    private static void refused(Function<String, ?> reader, String json, String message) {
        assertThatThrownBy(() -> reader.apply(json))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aTracesCostIsReadFromItsKeyOnceAndNamedWhenWrong() {
        HopTrace read = DomainJson.readHopTrace(TRACE.replace("\"cost\":\"0.0000123\"", "\"cost\":\"0.25\""));
        assertThat(read.answered().orElseThrow().record().cost()).isEqualTo(Cost.usd("0.25"));

        refused(DomainJson::readHopTrace, TRACE.replace("\"cost\":\"0.0000123\"", "\"cost\":0.25"), "'cost' must be");
        refused(
                DomainJson::readHopTrace,
                TRACE.replace("\"cost\":\"0.0000123\"", "\"cost\":\"cheap\""),
                "'cost' must be a decimal number in a string, got 'cheap'");
        refused(
                DomainJson::readHopTrace,
                TRACE.replace("\"cost\":\"0.0000123\"", "\"cost\":\"-1\""),
                "invalid hop trace: 'usd' must not be negative");
        assertThat(DomainJson.readHopTrace(FAILED_TRACE.replace("\"cost\":\"0\",", ""))
                        .ending())
                .as("a trace without a cost (a hop that failed before its call)")
                .isInstanceOfSatisfying(
                        HopTrace.Unknown.class, u -> assertThat(u.cost()).isEmpty());
        refused(
                DomainJson::readHopTrace,
                TRACE.replace("\"cost\":\"0.0000123\",", ""),
                "invalid hop trace: an answered hop has a cost");
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() {
        refused(DomainJson::readJob, JOB.replace("\"input\":100", "\"input\":\"100\""), "'hops[0].usage.input'");
        refused(DomainJson::readJob, JOB.replace("\"draft\":\"a draft\"", "\"draft\":7"), "'hops[0].outputs.draft'");
        refused(
                DomainJson::readJob,
                JOB.replace("\"startedAt\":\"2026-01-01T00:00:00Z\"", "\"startedAt\":\"yesterday\""),
                "'hops[0].startedAt' must be an ISO-8601 instant, got 'yesterday'");
        refused(
                DomainJson::readJob,
                JOB.replace("\"duration\":\"PT1.500123456S\"", "\"duration\":1500"),
                "'hops[0].duration' must be an ISO-8601 duration");
        refused(
                DomainJson::readQueueMessage,
                INGEST.replace("\"contentType\":\"text/plain\",", ""),
                "'documents[1].contentType' is missing");
        refused(DomainJson::readQueueMessage, INGEST.replace("\"old-2\"", "null"), "'deletions[1]' is missing");
        refused(
                DomainJson::readDomainEvent,
                DomainJson.write(GoldenValues.jobCompleted()).replace("\"cacheHit\":true", "\"cacheHit\":1"),
                "'job.hops[0].cacheHit' must be true or false");
    }

    @Test
    void noValueIsCoercedIntoAnother() {
        refused(DomainJson::readQueueMessage, ENVELOPE.replace("\"hop\":1", "\"hop\":1.5"), "'hop' must be an integer");
        refused(
                DomainJson::readQueueMessage,
                ENVELOPE.replace("\"hop\":1", "\"hop\":\"1\""),
                "'hop' must be an integer");
        refused(DomainJson::readQueueMessage, ENVELOPE.replace("\"hop\":1", "\"hop\":null"), "'hop' is missing");
        refused(
                DomainJson::readQueueMessage,
                ENVELOPE.replace("\"pipeline\":\"two-hop\"", "\"pipeline\":2"),
                "'pipeline' must be a string");
        refused(
                DomainJson::readQueueMessage,
                ENVELOPE.replace("\"pipeline\":\"two-hop\"", "\"pipeline\":null"),
                "'pipeline' is missing");
        refused(
                DomainJson::readQueueMessage,
                ENVELOPE.replace("\"hop\":1", "\"hop\":3000000000"),
                "'hop' is out of range");
        refused(
                DomainJson::readHopTrace,
                TRACE.replace("\"score\":0.8712345", "\"score\":\"high\""),
                "'retrieved[0].score' must be a number");
        refused(DomainJson::readJob, JOB.replace("\"SUCCEEDED\"", "2"), "'status' must be one of");
        refused(
                DomainJson::readJob,
                JOB.replace("\"priority\":\"batch\"", "\"priority\":\"urgent\""),
                "'priority' must be interactive or batch, got 'urgent'");
    }

    @Test
    void oneObjectEachFieldOnceAndNothingAfterIt() {
        refused(
                DomainJson::readQueueMessage,
                ENVELOPE.replace("\"hop\":1", "\"hop\":1,\"hop\":2"),
                "not JSON: Duplicate field 'hop'");
        refused(
                DomainJson::readJob,
                JOB.replace("\"draft\":\"a draft\"", "\"draft\":\"a\",\"draft\":\"b\""),
                "Duplicate field 'draft'");
        refused(DomainJson::readQueueMessage, ENVELOPE + " {}", "not JSON: more follows the document's object");
        refused(DomainJson::readQueueMessage, ENVELOPE + " x", "not JSON");
        refused(DomainJson::readQueueMessage, "", "not JSON: the document is empty");
        refused(DomainJson::readQueueMessage, "\"envelope\"", "the document must be a JSON object");
        refused(DomainJson::readQueueMessage, "{\"jobId\":\"job_1\"}", "'type' is missing");
        refused(
                DomainJson::readDomainEvent,
                "{\"type\":\"job.lost\"}",
                "'type' must be 'job.completed', 'job.failed' or 'batch.completed', got 'job.lost'");
    }

    @Test
    void documentsBeyondTheStreamLimitsAreRefused() {
        String deep = "{\"type\":\"envelope\",\"extra\":" + "[".repeat(40) + "]".repeat(40) + "}";
        refused(DomainJson::readQueueMessage, deep, "beyond what sluice reads in one document");
        assertThat(WireJson.LIMITS.getMaxNestingDepth()).isEqualTo(32);
        assertThat(WireJson.LIMITS.getMaxStringLength()).isEqualTo(16 * 1024 * 1024);
        assertThat(WireJson.LIMITS.getMaxDocumentLength()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void aDecimalThatWouldWriteBackAsAGigabyteIsRefused() {
        refused(
                DomainJson::readHopTrace,
                TRACE.replace("\"cost\":\"0.0000123\"", "\"cost\":\"1E+999999999\""),
                "'cost' must be a decimal number in a string");
    }
}
