package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.WireText;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Every route of the HTTP API, and the {@code job.requested} event, through the real handler with hostile input:
 * malformed and hostile bodies and headers never get a 5xx, a refused request leaves no job, batch or message
 * behind, and no job ever sits queued without its first message.
 */
class DispatcherFuzzTest {
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 401, 404, 405, 409, 413);

    private TestDispatcher sluice;

    @BeforeTry
    void freshSluice() {
        sluice = new TestDispatcher();
    }

    /** One request as a client could send it; {@code headers} holds only the ones present. */
    record Request(String method, String path, String body, boolean base64, Map<String, String> headers) {
        @Override
        public String toString() {
            return method + " " + escape(path) + " headers=" + escape(headers.toString()) + " base64=" + base64
                    + " body="
                    + escape(body == null ? "null" : body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    @Property(tries = 600)
    void noRequestGetsA5xxAndARefusedOneLeavesNothingBehind(@ForAll("requests") Request request) throws Exception {
        // Something already there, so a refused request could be seen disturbing it.
        sluice.http(
                "POST",
                "/v1/jobs",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"seed\"}}",
                Map.of("x-tenant-id", "acme", "idempotency-key", "k-1"));
        Snapshot before = snapshot();

        TestDispatcher.Answer answer =
                sluice.http(request.method(), request.path(), request.body(), request.base64(), request.headers());

        assertThat(ANSWERS).as("status for %s", request).contains(answer.status());
        assertThat(CorrelationId.problem(
                        answer.headers().get("X-Correlation-Id").asText()))
                .isEmpty();
        assertThat(answer.body().isObject()).isTrue();
        if (answer.status() >= 400) {
            assertThat(answer.body().path("error").isTextual()).isTrue();
            assertThat(answer.body().path("message").isTextual()).isTrue();
            assertThat(snapshot())
                    .as("a refused request changed state: %s", request)
                    .isEqualTo(before);
        }
        assertEveryQueuedJobHasItsMessageAndCleanInput();
    }

    @Property(tries = 200)
    void aFailingQueueLeavesNothingQueuedWithoutAMessageAndAKeyedRetryCompletes(
            @ForAll("submissions") String[] submission,
            @ForAll("keys") String key,
            @ForAll("smallInts") int okSends,
            @ForAll("smallInts") int failures)
            throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("x-tenant-id", "acme"));
        if (!key.isEmpty()) {
            headers.put("idempotency-key", key);
        }
        sluice.work.failSendsAfter(okSends, failures);
        TestDispatcher.Answer first = sluice.http("POST", submission[0], submission[1], headers);
        assertThat(first.status()).isIn(200, 202, 503);
        assertEveryQueuedJobHasItsMessageAndCleanInput();
        if (!key.isEmpty()) {
            sluice.work.failNextSends(0);
            TestDispatcher.Answer retry = sluice.http("POST", submission[0], submission[1], headers);
            assertThat(retry.status()).isIn(200, 202);
            Set<Object> sent = sluice.work.sent().stream()
                    .map(s -> ((Envelope) s.message()).jobId())
                    .collect(Collectors.toSet());
            assertThat(sluice.jobs.all().values())
                    .allSatisfy(job -> assertThat(job.status() == JobStatus.FAILED || sent.contains(job.id()))
                            .isTrue());
            sluice.jobs
                    .batches()
                    .values()
                    .forEach(batch -> assertThat(sluice.jobs.all().keySet()).containsAll(batch.jobs()));
        }
    }

    @Property(tries = 300)
    void aJobRequestedEventNeverThrowsAndABadOneRecordsNothing(@ForAll("details") String detail) throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("id", "e1");
        event.put("detail-type", "job.requested");
        event.put("source", "acme.app");
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(detail);
        } catch (Exception notJson) {
            parsed = Json.MAPPER.getNodeFactory().textNode(detail);
        }
        event.set("detail", parsed == null ? Json.MAPPER.nullNode() : parsed);
        JsonNode answer = sluice.event(event);
        // An unpaired surrogate in a field name makes the whole event unreadable JSON: refused as such.
        assertThat(answer.path("ok").asBoolean() || answer.path("statusCode").asInt() == 400)
                .as("%s", answer)
                .isTrue();
        assertEveryQueuedJobHasItsMessageAndCleanInput();
        assertThat(sluice.jobs.all()).hasSizeLessThanOrEqualTo(1);
    }

    /**
     * One field of one route given a value of another JSON type, or a string with characters SQS refuses, in a body
     * sent plain or marked base64 in any alphabet: the answer is never a 5xx; a type the field does not take, a
     * refused character, or a body marked base64 that is not, is a 4xx naming the field, and records nothing.
     */
    @Property(tries = 800)
    void aWrongTypeAnOddCharacterOrAnEncodingIsA4xxNamingTheFieldAndRecordsNothing(
            @ForAll("fieldValues") FieldValue sent) throws Exception {
        Snapshot before = snapshot();
        TestDispatcher.Answer answer =
                sluice.http("POST", sent.path(), sent.body(), sent.encoding() != null, Map.of("x-tenant-id", "acme"));
        assertThat(answer.status()).as("%s -> %s", sent, answer.body()).isLessThan(500);
        assertThat(answer.body().path("message").isTextual() || answer.status() < 400)
                .isTrue();
        if (sent.mustRefuse()) {
            assertThat(answer.status()).as("%s -> %s", sent, answer.body()).isIn(400, 413);
            assertThat(answer.body().path("field").asText())
                    .as("%s", sent)
                    .isEqualTo(sent.encoding() == Encoding.NOT_ENCODED ? "body" : sent.field());
        }
        if (answer.status() >= 400) {
            assertThat(snapshot())
                    .as("a refused request changed state: %s", sent)
                    .isEqualTo(before);
        }
        if (sent.encoding() != null && sent.encoding() != Encoding.NOT_ENCODED) {
            // Encoded in any alphabet, a body is read exactly as the same body sent plain.
            TestDispatcher.Answer plain =
                    new TestDispatcher().http("POST", sent.path(), sent.plain(), false, Map.of("x-tenant-id", "acme"));
            assertThat(answer.status()).as("%s", sent).isEqualTo(plain.status());
            assertThat(answer.body().path("field"))
                    .as("%s", sent)
                    .isEqualTo(plain.body().path("field"));
        }
        assertEveryQueuedJobHasItsMessageAndCleanInput();
    }

    /** A body with one field's value replaced; {@code encoding} null when sent plain. */
    record FieldValue(String field, String path, String plain, String body, Encoding encoding, boolean mustRefuse) {
        @Override
        public String toString() {
            return "POST " + path + " " + field + " encoding=" + encoding + " mustRefuse=" + mustRefuse + " body="
                    + escape(body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /** A field of a route: its body with %s for the value, and the JSON types it takes (Z B N S A O). */
    private record Slot(String field, String path, String template, String takes) {}

    private static final List<Slot> SLOTS = List.of(
            new Slot("pipeline", "/v1/jobs", "{\"pipeline\":%s,\"input\":{\"question\":\"q\"}}", "S"),
            new Slot("input", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":%s}", "O"),
            new Slot("input.question", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":%s}}", "SNB"),
            new Slot(
                    "idempotencyKey",
                    "/v1/jobs",
                    "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":%s}",
                    "SZ"),
            new Slot(
                    "priority",
                    "/v1/batches",
                    "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"q\"}],\"priority\":%s}",
                    "SZ"),
            new Slot("mode", "/v1/jobs", "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"mode\":%s}", "SZ"),
            new Slot(
                    "deadline",
                    "/v1/jobs",
                    "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"deadline\":%s}",
                    "SZ"),
            new Slot(
                    "deadline",
                    "/v1/batches",
                    "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"q\"}],\"deadline\":%s}",
                    "SZ"),
            new Slot("items", "/v1/batches", "{\"pipeline\":\"rag\",\"items\":%s}", "A"),
            new Slot("items[1]", "/v1/batches", "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},%s]}", "O"),
            new Slot(
                    "items[0].question",
                    "/v1/batches",
                    "{\"pipeline\":\"rag\",\"items\":[{\"question\":%s}],\"idempotencyKey\":\"k-9\"}",
                    "SNB"),
            new Slot("index", "/v1/documents", "{\"index\":%s,\"delete\":[\"d1\"]}", "S"),
            new Slot("documents", "/v1/documents", "{\"index\":\"docs\",\"documents\":%s}", "AZ"),
            new Slot("documents[0]", "/v1/documents", "{\"index\":\"docs\",\"documents\":[%s]}", "O"),
            new Slot(
                    "documents[0].id",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":%s,\"text\":\"t\"}]}",
                    "S"),
            new Slot(
                    "documents[0].text",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":%s}]}",
                    "S"),
            new Slot(
                    "documents[0].contentType",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"contentType\":%s}]}",
                    "SZ"),
            new Slot(
                    "documents[0].metadata",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":%s}]}",
                    "OZ"),
            new Slot(
                    "documents[0].metadata.k",
                    "/v1/documents",
                    "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k\":%s}}]}",
                    "SNB"),
            new Slot("delete", "/v1/documents", "{\"index\":\"docs\",\"delete\":%s}", "AZ"),
            new Slot("delete[1]", "/v1/documents", "{\"index\":\"docs\",\"delete\":[\"ok\",%s]}", "S"));

    /** A JSON value and its type's letter. */
    private record Value(String json, char type, boolean oddText) {}

    @Provide
    Arbitrary<FieldValue> fieldValues() {
        Arbitrary<Value> typed = Arbitraries.of(
                new Value("null", 'Z', false),
                new Value("true", 'B', false),
                new Value("false", 'B', false),
                new Value("0", 'N', false),
                new Value("-1.5e3", 'N', false),
                new Value("[]", 'A', false),
                new Value("[\"a\"]", 'A', false),
                new Value("[{}]", 'A', false),
                new Value("{}", 'O', false),
                new Value("{\"question\":\"q\"}", 'O', false),
                new Value("{\"a\":[1]}", 'O', false),
                new Value("\"\"", 'S', false),
                new Value("\"plain\"", 'S', false));
        // Strings of characters SQS takes and refuses, escaped as \\uXXXX so every encoding carries them intact.
        Arbitrary<Value> odd = Arbitraries.strings()
                .withChars(
                        "\u0000\u0001\u0008\u000b\u000c\u001f\t\n\r \u007f\ud800\udbff\udc00\udfff\ufffe\uffff\ufffd\ue000é")
                .withCharRange('a', 'c')
                .ofMinLength(1)
                .ofMaxLength(12)
                .map(text -> new Value(
                        jsonString(text, true), 'S', WireText.problem(text).isPresent()));
        Arbitrary<Encoding> encoding = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just((Encoding) null)), Tuple.of(4, Arbitraries.of(Encoding.values())));
        return Combinators.combine(Arbitraries.of(SLOTS), Arbitraries.oneOf(typed, odd), encoding)
                .as((slot, value, enc) -> {
                    String body = slot.template().replace("%s", value.json());
                    boolean wrongType = slot.takes().indexOf(value.type()) < 0;
                    // A refused character is refused wherever it is; a pipeline or index name is refused whatever
                    // its characters unless it is known, which no generated one is.
                    boolean refused = wrongType || (value.type() == 'S' && value.oddText());
                    return new FieldValue(
                            slot.field(),
                            slot.path(),
                            body,
                            enc == null ? body : enc.apply(body),
                            enc,
                            refused || enc == Encoding.NOT_ENCODED);
                });
    }

    // ---- invariants

    private record Snapshot(Map<?, Job> jobs, Map<?, ?> batches, int workSent, int ingestSent) {}

    private Snapshot snapshot() {
        return new Snapshot(
                sluice.jobs.all(),
                sluice.jobs.batches(),
                sluice.work.sent().size(),
                sluice.ingest.sent().size());
    }

    private void assertEveryQueuedJobHasItsMessageAndCleanInput() {
        Set<Object> sent = new HashSet<>();
        sluice.work.sent().forEach(s -> sent.add(((Envelope) s.message()).jobId()));
        for (Job job : sluice.jobs.all().values()) {
            if (job.status() == JobStatus.QUEUED) {
                assertThat(sent)
                        .as("job %s is queued with no message", job.id())
                        .contains(job.id());
            }
            job.input().values().forEach(v -> assertThat(WireText.problem(v)).isEmpty());
        }
    }

    // ---- generators

    private static final String JOB = "{\"pipeline\":\"rag\",\"input\":{\"question\":\"Why?\"}}";
    private static final String BATCH = "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"}]}";
    private static final String DOCS =
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"Hello.\",\"metadata\":{\"k\":\"v\"}}],"
                    + "\"delete\":[\"d0\"]}";

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "post", "", "\u0000");
        Arbitrary<String> otherPath = Arbitraries.oneOf(
                Arbitraries.of(
                        "/",
                        "",
                        "/v1",
                        "/v1/jobs/",
                        "/v1/jobs//trace",
                        "/v1/jobs/../batches",
                        "/v2/jobs",
                        "/v1/documents/x"),
                hostile().map(s -> "/v1/jobs/" + s),
                hostile());
        return Arbitraries.frequencyOf(
                Tuple.of(6, request(Arbitraries.just("POST"), Arbitraries.just("/v1/jobs"), family(JOB_HOLES))),
                Tuple.of(4, request(Arbitraries.just("POST"), Arbitraries.just("/v1/batches"), family(BATCH_HOLES))),
                Tuple.of(4, request(Arbitraries.just("POST"), Arbitraries.just("/v1/documents"), family(DOC_HOLES))),
                Tuple.of(1, request(Arbitraries.just("GET"), ids().map(id -> "/v1/jobs/" + id), bodies())),
                Tuple.of(1, request(Arbitraries.just("GET"), ids().map(id -> "/v1/jobs/" + id + "/trace"), bodies())),
                Tuple.of(1, request(Arbitraries.just("GET"), ids().map(id -> "/v1/batches/" + id), bodies())),
                Tuple.of(
                        1,
                        request(
                                Arbitraries.of("POST", "GET"),
                                Arbitraries.oneOf(
                                        ids().map(id -> "/v1/jobs/" + id + "/retry"),
                                        hostile().map(s -> "/v1/jobs/" + s + "/retry")),
                                bodies())),
                Tuple.of(2, request(method, Arbitraries.oneOf(otherPath, Arbitraries.of(ROUTES)), bodies())));
    }

    private static final List<String> ROUTES = List.of("/v1/jobs", "/v1/batches", "/v1/documents");

    private Arbitrary<Request> request(Arbitrary<String> method, Arbitrary<String> path, Arbitrary<String> body) {
        return Combinators.combine(method, path, body, headers(), Arbitraries.of(false, false, false, true))
                .as((m, p, b, h, base64) -> {
                    boolean b64 = base64 && b != null;
                    // Marked base64: encoded in one of the alphabets API Gateway and clients use, or not at all.
                    String sent = b64 ? Encoding.values()[Math.floorMod(b.hashCode(), 6)].apply(b) : b;
                    return new Request(m, p, sent, b64, h);
                });
    }

    /** How a body marked base64 may arrive. */
    enum Encoding {
        STANDARD,
        UNPADDED,
        MIME,
        URL_SAFE,
        URL_SAFE_UNPADDED,
        NOT_ENCODED;

        String apply(String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            return switch (this) {
                case STANDARD -> Base64.getEncoder().encodeToString(bytes);
                case UNPADDED -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
                case MIME -> Base64.getMimeEncoder().encodeToString(bytes);
                case URL_SAFE -> Base64.getUrlEncoder().encodeToString(bytes);
                case URL_SAFE_UNPADDED ->
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                case NOT_ENCODED -> body;
            };
        }
    }

    /** Mostly the route's own body with one hostile value in a field, else any hostile body. */
    private Arbitrary<String> family(List<String> holes) {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        5,
                        Combinators.combine(Arbitraries.of(holes), hostile(), Arbitraries.of(false, true))
                                .as((t, v, escaped) -> t.replace("%s", jsonString(v, escaped)))),
                Tuple.of(3, bodies()));
    }

    private Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.of("job_0123456789abcdef0123456789abcdef", "bat_x", "job_priming", "a".repeat(64)),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(70),
                hostile());
    }

    /** Any UTF-16 text: control characters, unpaired surrogates, U+FFFE, JSON's own punctuation, or plain. */
    private Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars(
                                "\u0000\u0001\u0007\u001b\u007f\t\n\r \uD800\uDBFF\uDC00\uDFFF\uFFFE\uFFFF\"\\{}[]:,/.")
                        .withCharRange('a', 'c')
                        .ofMaxLength(20),
                Arbitraries.of(
                        "",
                        " ",
                        "null",
                        "\uD83D\uDE00",
                        "\uD83D",
                        "\uDE00\uD83D",
                        "é",
                        "x".repeat(300),
                        "%00",
                        "../../etc/passwd"));
    }

    private Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> tenant = Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.of("acme", "globex")),
                Tuple.of(1, Arbitraries.just("")),
                Tuple.of(
                        3,
                        Arbitraries.oneOf(
                                hostile(), Arbitraries.of("a b", "acme\u0000", "x".repeat(200), "üñí", "acme;x"))));
        Arbitrary<String> correlation = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.of("corr-1", "Root=1-abc/def:g.h_i+j", "c".repeat(128))),
                Tuple.of(3, Arbitraries.oneOf(hostile(), Arbitraries.of("c".repeat(129), "corr\u0001", "a\r\nb"))));
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("")),
                Tuple.of(3, Arbitraries.of("k-1", "k-2", "order:17")),
                Tuple.of(1, hostile()));
        return Combinators.combine(tenant, correlation, key, Arbitraries.of(true, true, true, true, true, false))
                .as((t, c, k, withTenant) -> {
                    Map<String, String> h = new HashMap<>();
                    if (withTenant) {
                        h.put("x-tenant-id", t);
                    }
                    if (!c.isEmpty()) {
                        h.put("X-Correlation-Id", c);
                    }
                    if (!k.isEmpty()) {
                        h.put("idempotency-key", k);
                    }
                    h.put("content-type", "application/json");
                    return h;
                });
    }

    private Arbitrary<String> bodies() {
        Arbitrary<String> valid = Arbitraries.of(JOB, BATCH, DOCS);
        return Arbitraries.frequencyOf(
                Tuple.of(2, valid),
                Tuple.of(1, Arbitraries.of((String) null)),
                Tuple.of(
                        3,
                        Combinators.combine(valid, Arbitraries.integers().between(0, 120))
                                .as((v, n) -> v.substring(0, Math.min(n, v.length())))),
                Tuple.of(
                        4,
                        Combinators.combine(
                                        Arbitraries.of(JOB_HOLES.get(0), BATCH_HOLES.get(0), DOC_HOLES.get(1)),
                                        hostile(),
                                        Arbitraries.of(false, true))
                                .as((t, s, escaped) -> t.replace("%s", jsonString(s, escaped)))),
                Tuple.of(3, wrongShapes()),
                Tuple.of(2, Arbitraries.integers().between(1, 3000).map(DispatcherFuzzTest::deep)),
                Tuple.of(1, hostile()),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"" + "x".repeat(300_000) + "\"}}",
                                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"" + "y".repeat(5_300_000)
                                        + "\"}]}",
                                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"" + "z".repeat(6_300_000) + "\"}}")));
    }

    /** Bodies with one hole for a hostile value, in every field a client controls. */
    private static final List<String> JOB_HOLES = List.of(
            "{\"pipeline\":\"rag\",\"input\":{\"question\":%s}}",
            "{\"pipeline\":\"rag\",\"input\":{\"question\":%s}}",
            "{\"pipeline\":%s,\"input\":{\"question\":\"q\"}}",
            "{\"pipeline\":\"rag\",\"input\":{%s:\"q\"}}",
            "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":%s}");

    private static final List<String> BATCH_HOLES = List.of(
            "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"ok\"},{\"question\":%s}]}",
            "{\"pipeline\":\"rag\",\"items\":[{\"question\":%s}],\"idempotencyKey\":\"k-2\"}",
            "{\"pipeline\":\"rag\",\"items\":[{%s:\"q\"}],\"idempotencyKey\":\"k-2\"}",
            "{\"pipeline\":%s,\"items\":[{\"question\":\"q\"}]}");

    private static final List<String> DOC_HOLES = List.of(
            "{\"index\":\"docs\",\"documents\":[{\"id\":%s,\"text\":\"Hello.\"}]}",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":%s}]}",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"t\",\"contentType\":%s}]}",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"t\",\"metadata\":{%s:\"v\"}}]}",
            "{\"index\":\"docs\",\"documents\":[{\"id\":\"d1\",\"text\":\"t\",\"metadata\":{\"k\":%s}}]}",
            "{\"index\":\"docs\",\"delete\":[%s]}",
            "{\"index\":%s,\"delete\":[\"d1\"]}");

    private Arbitrary<String> wrongShapes() {
        return Arbitraries.of(
                "null",
                "[]",
                "\"text\"",
                "42",
                "{}",
                "{\"pipeline\":null,\"input\":null}",
                "{\"pipeline\":5,\"input\":[]}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":null}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":[1,2]}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":1e999999}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":-0.0}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":" + "9".repeat(2000) + "}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":" + "9".repeat(900) + "}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":true}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":{}}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},\"idempotencyKey\":null}",
                "{\"pipeline\":\"rag\",\"items\":{}}",
                "{\"pipeline\":\"rag\",\"items\":[]}",
                "{\"pipeline\":\"rag\",\"items\":[1,null,\"x\"]}",
                "{\"pipeline\":\"rag\",\"items\":null}",
                "{\"index\":\"docs\",\"documents\":\"x\"}",
                "{\"index\":\"docs\",\"documents\":{\"0\":{}}}",
                "{\"index\":\"docs\",\"documents\":[null]}",
                "{\"index\":\"docs\",\"documents\":[7]}",
                "{\"index\":\"docs\",\"documents\":[{\"id\":1,\"text\":2}]}",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":[]}]}",
                "{\"index\":\"docs\",\"documents\":[{\"id\":\"d\",\"text\":\"t\",\"metadata\":{\"k\":{}}}]}",
                "{\"index\":\"docs\",\"delete\":5}",
                "{\"index\":\"docs\",\"delete\":[null,{},[]]}",
                "{\"index\":\"docs\",\"documents\":[],\"delete\":[]}",
                "{\"index\":null}",
                "{\"a\":1,\"a\":2}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"}} trailing",
                "\uFEFF{\"pipeline\":\"rag\"}",
                "{\"pipeline\":\"rag\",\"input\":{\"question\":\"q\u0001raw\"}}");
    }

    private static String deep(int depth) {
        return switch (depth % 3) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"pipeline\":\"rag\",\"input\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
            default -> "{\"pipeline\":\"rag\",\"input\":{\"question\":" + "[".repeat(depth) + "]".repeat(depth) + "}}";
        };
    }

    private static String jsonString(String s, boolean escapeNonAscii) {
        try {
            return escapeNonAscii
                    ? com.fasterxml.jackson.databind.json.JsonMapper.builder()
                            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                            .build()
                            .writeValueAsString(s)
                    : Json.MAPPER.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String[]> submissions() {
        return Arbitraries.of(new String[] {"/v1/jobs", JOB}, new String[] {"/v1/batches", BATCH}, new String[] {
            "/v1/batches",
            "{\"pipeline\":\"rag\",\"items\":[{\"question\":\"a\"},{\"question\":\"b\"},{\"question\":\"c\"},"
                    + "{\"question\":\"d\"},{\"question\":\"e\"}]}"
        });
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of("", "k-1", "k-2");
    }

    @Provide
    Arbitrary<Integer> smallInts() {
        return Arbitraries.integers().between(0, 6);
    }

    @Provide
    Arbitrary<String> details() {
        return Arbitraries.oneOf(
                Combinators.combine(
                                Arbitraries.of(
                                        "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":%s}}",
                                        "{\"tenant\":%s,\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"}}",
                                        "{\"tenant\":\"acme\",\"pipeline\":%s,\"input\":{\"question\":\"q\"}}",
                                        "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},"
                                                + "\"correlationId\":%s}",
                                        "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{\"question\":\"q\"},"
                                                + "\"idempotencyKey\":%s}",
                                        "{\"tenant\":\"acme\",\"pipeline\":\"rag\",\"input\":{%s:\"q\"}}"),
                                hostile(),
                                Arbitraries.of(false, true))
                        .as((t, s, escaped) -> t.replace("%s", jsonString(s, escaped))),
                wrongShapes().map(s -> s.replace("\"pipeline\"", "\"tenant\":\"acme\",\"pipeline\"")),
                hostile());
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> {
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
