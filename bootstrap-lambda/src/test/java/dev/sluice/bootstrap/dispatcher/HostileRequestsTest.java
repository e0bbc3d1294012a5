package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemorySpendLedger;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.QueryUsageService;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.WorkQueue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * Requests found by sending hostile input and AWS's own sample events, through the real handler: each gets a 4xx
 * naming the field with a sentence a person understands (or a 413), a server fault gets a 5xx that shows none of
 * its internals, and nothing is recorded for a refused request.
 */
class HostileRequestsTest {
    private static final String JOB = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}";

    private TestDispatcher sluice = new TestDispatcher();

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new HashMap<>(Map.of("x-tenant-id", "acme", "content-type", "application/json"));
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private TestDispatcher.Answer post(String path, String body) throws Exception {
        return sluice.http("POST", path, body, headers());
    }

    private void assertNothingRecorded() {
        assertThat(sluice.jobs.all()).isEmpty();
        assertThat(sluice.jobs.batches()).isEmpty();
        assertThat(sluice.work.sent()).isEmpty();
        assertThat(sluice.ingest.sent()).isEmpty();
    }

    private static void assertRefused(TestDispatcher.Answer answer, int status, String field, String what) {
        assertThat(answer.status()).as("%s: %s", what, answer.body()).isEqualTo(status);
        assertThat(answer.body().path("field").asText()).as(what).isEqualTo(field);
        assertThat(answer.body().path("message").asText()).as(what).startsWith(field + ": ");
        assertThat(answer.body().path("error").asText()).isIn("invalid_request", "too_large");
    }

    private static ObjectNode sample(String name) throws Exception {
        try (InputStream in = HostileRequestsTest.class.getResourceAsStream("/events/" + name)) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private static JsonNode invoke(DispatcherHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, new TestContext());
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private static JsonNode body(JsonNode response) throws Exception {
        return Json.MAPPER.readTree(response.get("body").asText());
    }

    // ---- 1. a wrong JSON type in any field; a dependency's permanent refusal

    @Test
    void aWrongJsonTypeInAnyFieldIsA400NamingTheFieldAndRecordsNothing() throws Exception {
        // A value of each JSON type, and the type's letter: Z null, B boolean, N number, S string, A array, O object.
        Map<String, Character> values = new java.util.LinkedHashMap<>();
        values.put("null", 'Z');
        values.put("true", 'B');
        values.put("1", 'N');
        values.put("1.5", 'N');
        values.put("\"s\"", 'S');
        values.put("[]", 'A');
        values.put("[1]", 'A');
        values.put("{}", 'O');
        values.put("{\"a\":1}", 'O');
        // Each field a client controls: its route, its body with %s where the value goes, the types it takes.
        List<String[]> fields = List.of(
                new String[] {"pipeline", "/v1/jobs", "{\"pipeline\":%s,\"input\":{\"question\":\"q\"}}", "S"},
                new String[] {"input", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":%s}", "O"},
                new String[] {"input.question", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":%s}}", "SNB"
                },
                new String[] {
                    "idempotencyKey",
                    "/v1/jobs",
                    "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":%s}",
                    "SZ"
                },
                new String[] {
                    "priority",
                    "/v1/jobs",
                    "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"priority\":%s}",
                    "SZ"
                },
                new String[] {"items", "/v1/batches", "{\"pipeline\":\"rag\",\"items\":%s}", "A"},
                new String[] {"items[0]", "/v1/batches", "{\"pipeline\":\"rag\",\"items\":[%s]}", "O"},
                new String[] {
                    "idempotencyKey",
                    "/v1/batches",
                    "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"q\"}],\"idempotencyKey\":%s}",
                    "SZ"
                },
                new String[] {"index", "/v1/documents", "{\"index\":%s,\"delete\":[\"d1\"]}", "S"},
                new String[] {"documents", "/v1/documents", "{\"index\":\"docs\",\"documents\":%s}", "AZ"},
                new String[] {"documents[0]", "/v1/documents", "{\"index\":\"docs\",\"documents\":[%s]}", "O"},
                new String[] {
                    "documents[0].id",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":%s,\"text\":\"t\"}]}",
                    "S"
                },
                new String[] {
                    "documents[0].text",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":%s}]}",
                    "S"
                },
                new String[] {
                    "documents[0].contentType",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"contentType\":%s}]}",
                    "SZ"
                },
                new String[] {
                    "documents[0].metadata",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":%s}]}",
                    "OZ"
                },
                new String[] {
                    "documents[0].metadata.k",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k\":%s}}]}",
                    "SNB"
                },
                new String[] {"delete", "/v1/documents", "{\"index\":\"docs\",\"delete\":%s}", "AZ"},
                new String[] {"delete[0]", "/v1/documents", "{\"index\":\"docs\",\"delete\":[%s]}", "S"});
        int refused = 0;
        for (String[] field : fields) {
            for (Map.Entry<String, Character> value : values.entrySet()) {
                String body = field[2].replace("%s", value.getKey());
                TestDispatcher.Answer answer = post(field[1], body);
                assertThat(answer.status()).as(body).isLessThan(500);
                if (field[3].indexOf(value.getValue()) < 0) {
                    refused++;
                    assertRefused(answer, 400, field[0], body);
                    assertNothingRecorded();
                } else if (answer.status() < 400) {
                    sluice = new TestDispatcher();
                }
            }
        }
        assertThat(refused).isGreaterThan(100);

        // The case found first: an object where the list of documents belongs.
        assertRefused(
                post("/v1/documents", "{\"index\":\"docs\",\"documents\":{\"a\":1}}"), 400, "documents", "object");
        // A field given twice is ambiguous: refused, naming it.
        TestDispatcher.Answer twice = post("/v1/jobs", "{\"pipeline\":\"rag\",\"pipeline\":\"x\",\"input\":{}}");
        assertRefused(twice, 400, "body", "duplicate");
        assertThat(twice.body().path("message").asText()).contains("'pipeline'");
        assertNothingRecorded();
    }

    /** A queue that refuses everything with the words SQS would use: a URL and an account sluice must not show. */
    private static final class RefusingQueue implements WorkQueue {
        static final String WORDS = "cannot send to https://sqs.us-east-1.amazonaws.com/123456789012/sluice-work: "
                + "400 AWS.SimpleQueueService.NonExistentQueue The specified queue does not exist";

        @Override
        public void send(QueueMessage message, Duration delay) {
            throw new PermanentException(WORDS, null);
        }
    }

    @Test
    void aDependencysPermanentRefusalIsA5xxThatShowsNoneOfItsText() throws Exception {
        SluiceConfig config = sluice.config;
        InMemoryJobStore jobs = new InMemoryJobStore();
        WorkQueue refusing = new RefusingQueue();
        TraceStore unreadable = new TraceStore() {
            @Override
            public void record(HopTrace trace) {}

            @Override
            public List<HopTrace> find(Job job) {
                throw new PermanentException(
                        "trace s3://sluice-123456789012-traces/traces/" + job.id() + "/0.json is not a hop trace",
                        null);
            }
        };
        InMemoryWorkQueue ingest = new InMemoryWorkQueue(Clock.systemUTC());
        SubmitJobService submit = new SubmitJobService(config, jobs, refusing, Clock.systemUTC());
        DispatcherHandler handler = new DispatcherHandler(
                new HttpApi(
                        submit,
                        new SubmitBatchService(config, jobs, refusing, Clock.systemUTC()),
                        new QueryJobService(jobs, unreadable),
                        new QueryUsageService(config, new InMemorySpendLedger(), Clock.systemUTC()),
                        new IngestDocumentsService(config, new HashingEmbedder(384), new InMemoryVectorStore(), ingest),
                        new RetryJobService(jobs, refusing, refusing, Clock.systemUTC())),
                submit,
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("dispatcher")
                        .build(),
                new Callers("sub", Map.of(), Set.of(), Map.of(), true));

        JsonNode job = invoke(handler, event("POST", "/v1/jobs", JOB, Map.of("x-tenant-id", "acme")));
        assertThat(job.get("statusCode").asInt()).isEqualTo(500);
        assertThat(body(job).path("error").asText()).isEqualTo("internal");
        assertThat(body(job).path("message").asText())
                .contains("quote correlation id")
                .doesNotContain("sqs", "123456789012", "NonExistentQueue");
        assertThat(jobs.all()).as("the record went with its message").isEmpty();

        JsonNode batch = invoke(
                handler,
                event(
                        "POST",
                        "/v1/batches",
                        "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"}]}",
                        Map.of("x-tenant-id", "acme")));
        assertThat(batch.get("statusCode").asInt()).isEqualTo(500);
        assertThat(body(batch).path("message").asText())
                .contains("0 of 2 jobs were queued", "work queue refused it", "correlation id")
                .doesNotContain("sqs", "123456789012", "NonExistentQueue");
        // Unkeyed, nobody can retry it: its items are failed, and their reason shows none of the queue's words.
        assertThat(jobs.all().values()).hasSize(2).allSatisfy(j -> {
            assertThat(j.status()).isEqualTo(JobStatus.FAILED);
            assertThat(j.failureReason().orElseThrow()).doesNotContain("sqs", "123456789012");
        });

        // A job whose stored trace cannot be read: sluice's fault, and the bucket's name stays in the log.
        InMemoryJobStore store = jobs;
        JobId someJob = store.all().keySet().iterator().next();
        JsonNode trace = invoke(
                handler, event("GET", "/v1/jobs/" + someJob.value() + "/trace", null, Map.of("x-tenant-id", "acme")));
        assertThat(trace.get("statusCode").asInt()).isEqualTo(500);
        assertThat(body(trace).path("message").asText()).doesNotContain("s3://", "123456789012", "hop trace");
    }

    private static String event(String method, String path, String body, Map<String, String> headers) throws Exception {
        return Json.MAPPER.writeValueAsString(TestDispatcher.httpEvent(method, path, body, false, headers));
    }

    // ---- 2. base64 bodies, and the SAM CLI's own event

    @Test
    void aBase64BodyIsReadInEveryAlphabetAndOneThatIsNotBase64IsA400() throws Exception {
        // "??>>" makes the standard and URL-safe encodings differ ('/' and '+' against '_' and '-').
        byte[] job = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"??>> é\"}}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> accepted = new java.util.LinkedHashMap<>();
        accepted.put("standard", Base64.getEncoder().encodeToString(job));
        accepted.put("unpadded", Base64.getEncoder().withoutPadding().encodeToString(job));
        accepted.put("MIME lines", Base64.getMimeEncoder().encodeToString(job));
        accepted.put(
                "short MIME lines", Base64.getMimeEncoder(8, "\r\n".getBytes()).encodeToString(job));
        accepted.put("LF lines", Base64.getMimeEncoder(12, "\n".getBytes()).encodeToString(job));
        accepted.put("URL-safe", Base64.getUrlEncoder().encodeToString(job));
        accepted.put(
                "URL-safe unpadded", Base64.getUrlEncoder().withoutPadding().encodeToString(job));
        assertThat(accepted.get("standard")).contains("+").isNotEqualTo(accepted.get("URL-safe"));
        for (Map.Entry<String, String> variant : accepted.entrySet()) {
            TestDispatcher.Answer answer = sluice.http("POST", "/v1/jobs", variant.getValue(), true, headers());
            assertThat(answer.status()).as(variant.getKey()).isEqualTo(202);
        }
        assertThat(sluice.jobs.all().values())
                .hasSize(accepted.size())
                .allSatisfy(j -> assertThat(j.input().get("question")).isEqualTo("??>> é"));

        sluice = new TestDispatcher();
        String plain = new String(job, StandardCharsets.UTF_8);
        String standard = accepted.get("standard");
        for (String notBase64 : List.of(
                plain,
                "%%%%",
                "QUJD=RA==", // data after padding
                "QUJDR", // a lone sixth bit group
                "QUJD===",
                "QQ=",
                standard.substring(0, 10) + "*" + standard.substring(10),
                "\u00e9\u00e9\u00e9\u00e9")) {
            TestDispatcher.Answer answer = sluice.http("POST", "/v1/jobs", notBase64, true, headers());
            assertRefused(answer, 400, "body", notBase64);
            assertThat(answer.body().path("message").asText()).isEqualTo("body: is marked base64 but is not base64");
        }
        // Base64 of bytes that are not UTF-8 text.
        TestDispatcher.Answer binary = sluice.http(
                "POST",
                "/v1/jobs",
                Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}),
                true,
                headers());
        assertRefused(binary, 400, "body", "binary");
        assertThat(binary.body().path("message").asText()).contains("not UTF-8");
        // Base64 of more than the limit, refused before it is decoded.
        TestDispatcher.Answer huge =
                sluice.http("POST", "/v1/jobs", "QUJD".repeat(HttpApi.MAX_BODY_BYTES / 3 + 1), true, headers());
        assertRefused(huge, 413, "body", "huge");
        assertNothingRecorded();
    }

    @Test
    void theSamCliHttpApiEventIsA400AboutItsBodyAndWithARealBodyItSubmits() throws Exception {
        // As `sam local generate-event apigateway http-api-proxy` writes it: isBase64Encoded true, plain JSON body.
        ObjectNode sam = sample("sam-http-api-proxy.json");
        assertThat(sam.get("isBase64Encoded").asBoolean()).isTrue();
        JsonNode raw = sluice.event(sam);
        assertThat(raw.get("statusCode").asInt()).isEqualTo(400);
        assertThat(body(raw).path("field").asText()).isEqualTo("body");
        assertThat(body(raw).path("message").asText()).isEqualTo("body: is marked base64 but is not base64");
        assertThat(raw.at("/headers/X-Correlation-Id").asText()).isNotBlank();

        // The same event aimed at sluice: its route, a verified caller with sluice's scopes, a base64 body.
        ObjectNode real = sample("sam-http-api-proxy.json");
        real.put("rawPath", "/v1/jobs");
        ((ObjectNode) real.at("/requestContext/http")).put("path", "/v1/jobs");
        ObjectNode jwt = (ObjectNode) real.at("/requestContext/authorizer/jwt");
        ((ObjectNode) jwt.get("claims")).put("sub", "acme");
        jwt.putArray("scopes").add("sluice/jobs.write").add("sluice/jobs.read");
        real.put("body", Base64.getEncoder().encodeToString(JOB.getBytes(StandardCharsets.UTF_8)));
        JsonNode accepted = sluice.event(real);
        assertThat(accepted.get("statusCode").asInt()).as("%s", accepted).isEqualTo(202);
        assertThat(sluice.jobs.all().values()).singleElement().satisfies(j -> {
            assertThat(j.tenant().value()).isEqualTo("acme");
            assertThat(j.input()).containsEntry("question", "Why?");
        });
    }

    @Test
    void eventBridgeSampleEventsAreTakenOrIgnoredWithoutAnError() throws Exception {
        // The scheduled event (`sam local generate-event cloudwatch scheduled-event`): not sluice's, ignored.
        JsonNode scheduled = sluice.event(sample("eventbridge-scheduled.json"));
        assertThat(scheduled.path("ok").asBoolean()).isTrue();
        assertThat(sluice.jobs.all()).isEmpty();

        // A job.requested event as EventBridge delivers it to a target, from a source the deployment lists.
        ObjectNode requested = sample("eventbridge-job-requested.json");
        requested.put("source", "orders.app");
        assertThat(sluice.event(requested).path("ok").asBoolean()).isTrue();
        assertThat(sluice.jobs.all().values())
                .singleElement()
                .satisfies(j -> assertThat(j.tenant().value()).isEqualTo("acme"));
        assertThat(sluice.work.size()).isEqualTo(1);

        // The same envelope with hostile detail: refused with a metric, never thrown, nothing more recorded.
        for (String detail : List.of(
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"\\u0000\"}}",
                "{\"pipeline\":\"rag\",\"input\":[\"q\"]}",
                "{\"pipeline\":{},\"input\":{\"question\":\"q\"}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":7}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"correlationId\":\"a b\"}",
                "[]",
                "\"text\"")) {
            ObjectNode bad = sample("eventbridge-job-requested.json");
            bad.put("source", "orders.app");
            bad.put("id", "bad-" + detail.hashCode());
            bad.set("detail", Json.MAPPER.readTree(detail));
            assertThat(sluice.event(bad).path("ok").asBoolean()).as(detail).isTrue();
        }
        assertThat(sluice.jobs.all()).hasSize(1);
        assertThat(sluice.work.size()).isEqualTo(1);
    }

    // ---- 3. characters SQS refuses, in every field that travels; the correlation id's alphabet

    @Test
    void aCharacterSqsRefusesIsA400NamingItsFieldWhereverItIs() throws Exception {
        List<String> refused = List.of(
                "\\u0000", "\\u0001", "\\u0008", "\\u000b", "\\u001f", "\\ud800", "\\udfff", "\\ufffe", "\\uffff");
        Map<String, String[]> fields = new java.util.LinkedHashMap<>();
        fields.put(
                "input.question",
                new String[] {"/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"a%sb\"}}"});
        fields.put("items[1].question", new String[] {
            "/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"ok\"},{\"question\":\"a%sb\"}]}"
        });
        fields.put("pipeline", new String[] {"/v1/jobs", "{\"pipeline\":\"ra%sg\",\"input\":{\"question\":\"q\"}}"});
        fields.put("idempotencyKey", new String[] {
            "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":\"k%s\"}"
        });
        fields.put("index", new String[] {"/v1/documents", "{\"index\":\"do%scs\",\"delete\":[\"d1\"]}"});
        fields.put(
                "documents[0].id",
                new String[] {"/v1/documents", "{\"index\":\"docs\",\"documents\":[{\"id\":\"d%s\",\"text\":\"t\"}]}"});
        fields.put("documents[0].text", new String[] {
            "/v1/documents", "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"te%sxt\"}]}"
        });
        fields.put("documents[0].metadata", new String[] {
            "/v1/documents",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k%s\":\"v\"}}]}"
        });
        fields.put("documents[0].metadata.k", new String[] {
            "/v1/documents",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k\":\"v%s\"}}]}"
        });
        fields.put("delete[0]", new String[] {"/v1/documents", "{\"index\":\"docs\",\"delete\":[\"d%s\"]}"});
        for (Map.Entry<String, String[]> field : fields.entrySet()) {
            for (String c : refused) {
                TestDispatcher.Answer answer = post(field.getValue()[0], field.getValue()[1].replace("%s", c));
                assertRefused(answer, 400, field.getKey(), field.getKey() + " with " + c);
                // The answer quotes the character as its code, so the answer itself is valid text.
                assertThat(answer.body().path("message").asText()).doesNotContain("\u0000", "\uFFFF");
            }
        }
        // The same through the Idempotency-Key header.
        assertRefused(
                sluice.http("POST", "/v1/jobs", JOB, headers("idempotency-key", "k\u0001")),
                400,
                "idempotencyKey",
                "header");
        assertNothingRecorded();

        // Every character SQS takes is taken: tab, line breaks, the edges of each range, a pair.
        String edges = "tab\\t lf\\n cr\\r \\u0020 \\ud7ff \\ue000 \\ufffd \\ud800\\udc00 \\udbff\\udfff \u00e9";
        // A document's text may not hold U+FFFD (the mark of bytes that were not UTF-8), by the ingestion's own rule.
        String documentEdges = edges.replace(" \\ufffd", "");
        assertThat(post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"" + edges + "\"}}")
                        .status())
                .isEqualTo(202);
        assertThat(post(
                                "/v1/documents",
                                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\\ue000\",\"text\":\"" + documentEdges
                                        + "\",\"metadata\":{\"k\\t\":\"" + edges + "\"}}]}")
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aCorrelationIdOutsideTheSafeAlphabetIsA400AndASafeOneTravelsAsGiven() throws Exception {
        for (String bad : List.of(
                "a b",
                "a,b",
                "caf\u00e9",
                "x\u0001",
                "semi;colon",
                "quote\"",
                "<tag>",
                "c".repeat(CORRELATION_MAX + 1),
                "\uD83D\uDE00")) {
            TestDispatcher.Answer answer = sluice.http("POST", "/v1/jobs", JOB, headers("x-correlation-id", bad));
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body().path("field").asText()).isEqualTo("X-Correlation-Id");
            assertThat(answer.body().path("message").asText()).contains("letters, digits");
            assertThat(answer.headers().get("X-Correlation-Id").asText()).isNotEqualTo(bad);
        }
        assertNothingRecorded();
        String safe = "Root=1-abc/def:g.h_i+j-" + "c".repeat(CORRELATION_MAX - 23);
        TestDispatcher.Answer ok = sluice.http("POST", "/v1/jobs", JOB, headers("x-correlation-id", safe));
        assertThat(ok.status()).isEqualTo(202);
        assertThat(ok.headers().get("X-Correlation-Id").asText()).isEqualTo(safe);
        assertThat(((Envelope) sluice.work.sent().getFirst().message())
                        .correlationId()
                        .value())
                .isEqualTo(safe);
    }

    private static final int CORRELATION_MAX = dev.sluice.domain.model.CorrelationId.MAX_LENGTH;

    // ---- 4. body size in UTF-8 bytes, the JSON reader's limits, trailing tokens

    @Test
    void theBodyLimitCountsUtf8BytesAndTheReadersLimitsAreAnswersNotCrashes() throws Exception {
        // 3.2 million é: 3.2 million characters, under the limit as text, but 6.4 MB of UTF-8.
        String eacute = "\u00e9".repeat(3_200_000);
        assertThat(eacute.length()).isLessThan(HttpApi.MAX_BODY_BYTES);
        TestDispatcher.Answer e = post(
                "/v1/documents", "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"" + eacute + "\"}]}");
        assertRefused(e, 413, "body", "é");
        assertThat(e.body().path("message").asText()).contains("6291456 bytes");
        // Four-byte characters (a surrogate pair each) count four bytes.
        TestDispatcher.Answer emoji = post(
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"" + "\uD83D\uDE00".repeat(1_600_000)
                        + "\"}]}");
        assertRefused(emoji, 413, "body", "emoji");
        // Just under the limit in bytes is read (and refused by the document's own, smaller limit).
        TestDispatcher.Answer under = post(
                "/v1/documents",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"" + "\u00e9".repeat(3_000_000) + "\"}]}");
        assertRefused(under, 413, "documents[0].text", "under");

        assertRefused(post("/v1/jobs", JOB + " x"), 400, "body", "trailing garbage");
        assertThat(post("/v1/jobs", JOB + " x").body().path("message").asText())
                .contains("has more after its JSON object");
        assertRefused(post("/v1/jobs", JOB + " {}"), 400, "body", "a second object");
        assertRefused(post("/v1/jobs", JOB + "]"), 400, "body", "a stray bracket");
        assertThat(post("/v1/jobs", JOB + " \n\t ").status())
                .as("whitespace is not more")
                .isEqualTo(202);
        sluice = new TestDispatcher();

        TestDispatcher.Answer number =
                post("/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":" + "9".repeat(2000) + "}}");
        assertRefused(number, 400, "body", "long number");
        assertThat(number.body().path("message").asText()).contains("number longer than 1000 digits");
        TestDispatcher.Answer deep = post("/v1/jobs", "[".repeat(1500) + "]".repeat(1500));
        assertRefused(deep, 400, "body", "deep");
        assertThat(deep.body().path("message").asText()).contains("1000 levels");
        TestDispatcher.Answer name = post("/v1/jobs", "{\"" + "n".repeat(60_000) + "\":1}");
        assertRefused(name, 400, "body", "long name");
        assertNothingRecorded();

        // An event holding a string beyond the reader's limit (20 million characters): 413, not an error.
        String tooLong = "{\"version\":\"2.0\",\"rawPath\":\"/v1/jobs\",\"headers\":{\"x-tenant-id\":\"acme\"},"
                + "\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":\"" + "z".repeat(20_000_001) + "\"}";
        JsonNode response = invoke(sluice.handler, tooLong);
        assertThat(response.get("statusCode").asInt()).isEqualTo(413);
        assertThat(body(response).path("field").asText()).isEqualTo("body");
        assertNothingRecorded();
    }

    // ---- 6. idempotency keys: null is none, another type is refused; deletions are bounded

    @Test
    void aNullIdempotencyKeyIsNoKeyAndANonStringOneIsA400() throws Exception {
        String keyNull = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":null}";
        TestDispatcher.Answer first = post("/v1/jobs", keyNull);
        TestDispatcher.Answer second = post("/v1/jobs", keyNull);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).as("not deduplicated under a key \"null\"").isEqualTo(202);
        assertThat(second.body().path("jobId").asText())
                .isNotEqualTo(first.body().path("jobId").asText());
        assertThat(sluice.jobs.all().values())
                .allSatisfy(j -> assertThat(j.idempotencyKey()).isEmpty());

        // A header whose value is JSON null (no API Gateway sends one; a hand-made event may) is no header.
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("rawPath", "/v1/jobs");
        event.putObject("requestContext").putObject("http").put("method", "POST");
        event.putObject("headers").put("x-tenant-id", "acme").putNull("idempotency-key");
        event.put("body", JOB);
        JsonNode viaHeader = sluice.event(event);
        assertThat(viaHeader.get("statusCode").asInt()).isEqualTo(202);
        assertThat(sluice.jobs.all().values())
                .allSatisfy(j -> assertThat(j.idempotencyKey()).isEmpty());
        int recorded = sluice.jobs.all().size();

        for (String key : List.of("7", "true", "{}", "[]", "[\"k\"]", "\"\"", "\"has space\"")) {
            String body = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":" + key + "}";
            assertRefused(post("/v1/jobs", body), 400, "idempotencyKey", key);
            assertRefused(
                    post(
                            "/v1/batches",
                            "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"q\"}],\"idempotencyKey\":" + key + "}"),
                    400,
                    "idempotencyKey",
                    "batch " + key);
        }
        // A wrong type in the body is refused even when the header carries a key.
        assertRefused(
                sluice.http(
                        "POST",
                        "/v1/jobs",
                        "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":{}}",
                        headers("idempotency-key", "k-1")),
                400,
                "idempotencyKey",
                "body and header");
        assertThat(sluice.jobs.all()).hasSize(recorded);
    }

    @Test
    void deletionsAreBoundedLikeDocuments() throws Exception {
        int max = sluice.config.inputLimits().maxDocuments();
        String ids = java.util.stream.IntStream.range(0, max + 1)
                .mapToObj(i -> "\"d" + i + "\"")
                .collect(Collectors.joining(","));
        TestDispatcher.Answer over = post("/v1/documents", "{\"index\":\"docs\",\"delete\":[" + ids + "]}");
        assertRefused(over, 413, "delete", "over");
        assertThat(over.body().path("message").asText()).contains("limit is " + max);
        TestDispatcher.Answer huge =
                post("/v1/documents", "{\"index\":\"docs\",\"delete\":[" + "\"x\",".repeat(200_000) + "\"y\"]}");
        assertRefused(huge, 413, "delete", "huge");
        assertNothingRecorded();

        String atLimit = java.util.stream.IntStream.range(0, max)
                .mapToObj(i -> "\"d" + i + "\"")
                .collect(Collectors.joining(","));
        assertThat(post("/v1/documents", "{\"index\":\"docs\",\"delete\":[" + atLimit + "]}")
                        .status())
                .isEqualTo(202);
    }

    // ---- 7. a large batch's first messages go ten to a call

    @Test
    void aLargeBatchSendsItsFirstMessagesTenToACall() throws Exception {
        int items = sluice.config.inputLimits().maxBatchItems();
        String batch = "{\"pipeline\":\"rag\",\"items\":["
                + java.util.stream.IntStream.range(0, items)
                        .mapToObj(i -> "{\"question\":\"q" + i + "\"}")
                        .collect(Collectors.joining(","))
                + "]}";
        TestDispatcher.Answer answer = post("/v1/batches", batch);
        assertThat(answer.status()).isEqualTo(202);
        assertThat(sluice.work.calls()).isEqualTo(items / WorkQueue.BATCH_SIZE);
        assertEveryJobHasItsMessage(items);

        // Cut short in the middle of a call of ten: what was sent stays, the rest is withdrawn, the retry completes.
        sluice = new TestDispatcher();
        sluice.work.failSendsAfter(25, 1);
        Map<String, String> keyed = headers("idempotency-key", "big-batch");
        TestDispatcher.Answer cut = sluice.http("POST", "/v1/batches", batch, keyed);
        assertThat(cut.status()).isEqualTo(503);
        assertThat(cut.body().path("message").asText())
                .contains("25 of " + items + " jobs were queued", "same idempotency key")
                .doesNotContain("simulated");
        assertThat(sluice.jobs.all()).hasSize(25);
        assertEveryJobHasItsMessage(25);
        TestDispatcher.Answer retried = sluice.http("POST", "/v1/batches", batch, keyed);
        assertThat(retried.status()).isEqualTo(202);
        assertEveryJobHasItsMessage(items);
    }

    private void assertEveryJobHasItsMessage(int jobs) {
        Set<JobId> sent = sluice.work.sent().stream()
                .map(s -> ((Envelope) s.message()).jobId())
                .collect(Collectors.toSet());
        assertThat(sluice.jobs.all()).hasSize(jobs);
        List<JobId> without = new ArrayList<>(sluice.jobs.all().keySet());
        without.removeAll(sent);
        assertThat(without).as("jobs recorded with no message").isEmpty();
    }
}
