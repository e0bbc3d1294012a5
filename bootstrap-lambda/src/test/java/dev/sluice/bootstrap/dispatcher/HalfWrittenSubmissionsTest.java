package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.JobStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The findings "half-written submissions": input a queue or an embedder would refuse later is refused at the door,
 * and a submission leaves a record and a message, or neither.
 */
class HalfWrittenSubmissionsTest {
    private final TestDispatcher sluice = new TestDispatcher();

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new HashMap<>(Map.of("x-tenant-id", "acme"));
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private void assertNothingRecorded() {
        assertThat(sluice.jobs.all()).isEmpty();
        assertThat(sluice.work.sent()).isEmpty();
        assertThat(sluice.ingest.sent()).isEmpty();
    }

    @Test
    void anUnusableCorrelationIdIsRefusedBeforeAnythingIsRecorded() throws Exception {
        String job = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}";
        for (String bad : List.of("corr\u0001x", "line\nbreak", "has space", "x".repeat(129), "\uD800")) {
            var answer =
                    sluice.http("POST", "/v1/jobs", job, headers("x-correlation-id", bad, "idempotency-key", "k1"));
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body().get("error").asText()).isEqualTo("invalid_request");
            assertThat(answer.body().get("field").asText()).isEqualTo("X-Correlation-Id");
            assertThat(answer.body().get("message").asText()).contains("128 characters");
            // The answer still carries a usable id of its own.
            assertThat(answer.headers().get("X-Correlation-Id").asText()).matches("[A-Za-z0-9._:/=+-]{1,128}");
        }
        String batch = "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"}]}";
        assertThat(sluice.http("POST", "/v1/batches", batch, headers("x-correlation-id", "c\u0007"))
                        .status())
                .isEqualTo(400);
        assertNothingRecorded();
        // The same key with a usable id then works, and is not poisoned by the refused attempts.
        var ok = sluice.http("POST", "/v1/jobs", job, headers("x-correlation-id", "corr-1", "idempotency-key", "k1"));
        assertThat(ok.status()).isEqualTo(202);
        assertThat(sluice.work.size()).isEqualTo(1);
    }

    @Test
    void controlCharactersInAnInputAreRefusedNamingTheField() throws Exception {
        for (String escape : List.of("\\u0000", "\\u0001", "\\u0007", "a\\u001bb", "\\ud800", "x\\udfff")) {
            var answer = sluice.http(
                    "POST",
                    "/v1/jobs",
                    "{\"pipeline\":\"rag\",\"input\":{\"question\":\"" + escape + "\"}}",
                    headers());
            assertThat(answer.status()).as(escape).isEqualTo(400);
            assertThat(answer.body().get("field").asText()).isEqualTo("input.question");
        }
        var batch = sluice.http(
                "POST",
                "/v1/batches",
                "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"fine\"},{\"question\":\"\\u0000\"}]}",
                headers());
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.body().get("field").asText()).isEqualTo("items[1].question");
        assertNothingRecorded();
    }

    @Test
    void aDocumentWithAnUnpairedSurrogateOrControlCharacterIsRefused() throws Exception {
        var text = sluice.http(
                "POST",
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"half \\ud83d pair\"}]}",
                headers());
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.body().get("field").asText()).isEqualTo("documents[0].text");
        var id = sluice.http(
                "POST",
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\\u0001\",\"text\":\"fine\"}]}",
                headers());
        assertThat(id.body().get("field").asText()).isEqualTo("documents[0].id");
        var metadata = sluice.http(
                "POST",
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"fine\",\"metadata\":{\"k\":\"\\u0002\"}}]}",
                headers());
        assertThat(metadata.body().get("field").asText()).isEqualTo("documents[0].metadata.k");
        var delete =
                sluice.http("POST", "/v1/documents", "{\"index\":\"docs\",\"delete\":[\"ok\",\"\\udc00\"]}", headers());
        assertThat(delete.status()).isEqualTo(400);
        assertThat(delete.body().get("field").asText()).isEqualTo("delete[1]");
        var longId = sluice.http(
                "POST",
                "/v1/documents",
                "{\"index\":\"docs\",\"delete\":[\"" + "\u00e9".repeat(257) + "\"]}",
                headers());
        assertThat(longId.status()).isEqualTo(400);
        assertThat(longId.body().get("message").asText()).contains("the limit is 512");
        assertNothingRecorded();
    }

    @Test
    void theSameBatchKeyWithOtherItemsOfTheSameCountIsAConflict() throws Exception {
        var first = sluice.http(
                "POST",
                "/v1/batches",
                "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"}]}",
                headers("idempotency-key", "batch-1"));
        assertThat(first.status()).isEqualTo(202);
        var other = sluice.http(
                "POST",
                "/v1/batches",
                "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"c\"},{\"question\":\"d\"}]}",
                headers("idempotency-key", "batch-1"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body().get("error").asText()).isEqualTo("idempotency_conflict");
        assertThat(other.body().get("message").asText()).contains("batch-1").contains("different items");
        assertThat(sluice.jobs.all().values())
                .extracting(j -> j.input().get("question"))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(sluice.work.sent()).hasSize(2);
    }

    @Test
    void aJobWhoseMessageCouldNotBeSentIsQueuedByTheRetryWithTheSameKey() throws Exception {
        String job = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}";
        sluice.work.failNextSends(1);
        var failed = sluice.http("POST", "/v1/jobs", job, headers("idempotency-key", "retry-me"));
        assertThat(failed.status()).isEqualTo(503);
        assertThat(sluice.jobs.all().values()).noneMatch(j -> j.status() == JobStatus.QUEUED);
        var retried = sluice.http("POST", "/v1/jobs", job, headers("idempotency-key", "retry-me"));
        assertThat(retried.status()).isIn(200, 202);
        assertThat(sluice.work.size()).isEqualTo(1);
        var read = sluice.http("GET", "/v1/jobs/" + retried.body().get("jobId").asText(), null, headers());
        assertThat(read.body().get("status").asText()).isEqualTo("QUEUED");
    }

    @Test
    void aBatchCutShortIsCompletedByTheRetryWithTheSameKey() throws Exception {
        String batch = "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"},"
                + "{\"question\":\"c\"},{\"question\":\"d\"}]}";
        sluice.work.failSendsAfter(2, 1);
        var failed = sluice.http("POST", "/v1/batches", batch, headers("idempotency-key", "b-half"));
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.body().get("message").asText()).contains("2 of 4");
        var retried = sluice.http("POST", "/v1/batches", batch, headers("idempotency-key", "b-half"));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(sluice.jobs.all()).hasSize(4);
        assertThat(sluice.work.sent().stream().map(s -> ((dev.sluice.domain.model.Envelope) s.message()).jobId()))
                .containsAll(sluice.jobs.all().keySet());
    }

    @Test
    void aBadJobRequestedEventIsRefusedWithoutThrowingAndRecordsNothing() throws Exception {
        for (String detail : List.of(
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"\\u0000\"}}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"\\u0001\"}}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"\\u0007\"}}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":{\"nested\":1}}}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":\"text\"}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"correlationId\":\"a b\"}",
                "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":{}}",
                "{\"tenant\":\"a\\u0000\",\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"}}",
                "{\"tenant\":7,\"pipeline\":[],\"input\":null}",
                "\"just text\"",
                "null")) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("id", "e1");
            event.put("detail-type", "job.requested");
            event.put("source", "acme.app");
            event.set("detail", Json.MAPPER.readTree(detail));
            assertThat(sluice.event(event).path("ok").asBoolean()).as(detail).isTrue();
        }
        assertNothingRecorded();
    }
}
