package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON form of sluice's records, as they travel on queues, sit in S3 and reach events. Field names are fixed
 * here, by hand, so they never change with a record's Java shape; unknown fields are ignored when reading, so a
 * newer writer can add fields. Ids are strings, instants and durations ISO-8601 strings, costs decimal strings
 * (exact), and queue messages and events carry a {@code type} discriminator.
 *
 * <p>Reading throws {@link MalformedJsonException} naming the field at fault, never a Jackson exception.
 */
public final class DomainJson {
    /** The {@code type} of an {@link Envelope} on a queue. */
    public static final String ENVELOPE = "envelope";

    /** The {@code type} of an {@link IngestRequest} on a queue. */
    public static final String INGEST = "ingest";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DomainJson() {}

    // ---- queue messages

    public static String write(QueueMessage message) {
        return serialize(queueMessageNode(message));
    }

    public static QueueMessage readQueueMessage(String json) {
        return read(json, "", DomainJson::queueMessage);
    }

    static ObjectNode queueMessageNode(QueueMessage message) {
        return switch (message) {
            case Envelope e -> envelopeNode(e);
            case IngestRequest i -> ingestNode(i);
        };
    }

    private static QueueMessage queueMessage(JsonIn in) {
        String type = in.text("type");
        return switch (type) {
            case ENVELOPE -> envelope(in);
            case INGEST -> ingest(in);
            default ->
                throw new MalformedJsonException(
                        "'type' must be '" + ENVELOPE + "' or '" + INGEST + "', got '" + type + "'", null);
        };
    }

    private static ObjectNode envelopeNode(Envelope e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", ENVELOPE);
        node.put("jobId", e.jobId().value());
        node.put("tenant", e.tenant().value());
        node.put("correlationId", e.correlationId().value());
        node.put("pipeline", e.pipeline());
        node.put("hop", e.hop());
        node.put("attempt", e.attempt());
        e.deadline().ifPresent(d -> node.put("deadline", d.toString()));
        return node;
    }

    private static Envelope envelope(JsonIn in) {
        return build(
                "envelope",
                () -> new Envelope(
                        new JobId(in.text("jobId")),
                        new TenantId(in.text("tenant")),
                        new CorrelationId(in.text("correlationId")),
                        in.text("pipeline"),
                        in.integer("hop"),
                        in.integer("attempt"),
                        in.optionalInstant("deadline")));
    }

    private static ObjectNode ingestNode(IngestRequest r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", INGEST);
        node.put("tenant", r.tenant().value());
        node.put("correlationId", r.correlationId().value());
        node.put("index", r.index());
        ArrayNode documents = node.putArray("documents");
        for (Document d : r.documents()) {
            ObjectNode doc = documents.addObject();
            doc.put("id", d.id());
            doc.put("contentType", d.contentType());
            doc.put("text", d.text());
            putMap(doc, "metadata", d.metadata());
        }
        putStrings(node, "deletions", r.deletions());
        return node;
    }

    private static IngestRequest ingest(JsonIn in) {
        List<Document> documents = in.objects("documents").stream()
                .map(d -> build(
                        "document",
                        () -> new Document(
                                d.text("id"), d.text("contentType"), d.text("text"), d.stringMap("metadata"))))
                .toList();
        return build(
                "ingest request",
                () -> new IngestRequest(
                        new TenantId(in.text("tenant")),
                        new CorrelationId(in.text("correlationId")),
                        in.text("index"),
                        documents,
                        in.strings("deletions")));
    }

    // ---- traces

    public static String write(HopTrace trace) {
        return serialize(traceNode(trace));
    }

    public static HopTrace readHopTrace(String json) {
        return read(json, "", DomainJson::trace);
    }

    private static ObjectNode traceNode(HopTrace t) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("jobId", t.jobId().value());
        node.put("correlationId", t.correlationId().value());
        node.put("hop", t.hop());
        ArrayNode retrieved = node.putArray("retrieved");
        for (RetrievedChunk c : t.retrieved()) {
            ObjectNode chunk = retrieved.addObject();
            chunk.put("id", c.id());
            chunk.put("documentId", c.documentId());
            chunk.put("text", c.text());
            chunk.put("score", c.score());
            putMap(chunk, "metadata", c.metadata());
        }
        putIfPresent(node, "system", t.system());
        putIfPresent(node, "prompt", t.prompt());
        putIfPresent(node, "response", t.response());
        putIfPresent(node, "raw", t.raw());
        putIfPresent(node, "model", t.model());
        putIfPresent(node, "modelId", t.modelId());
        putStrings(node, "fallbacks", t.fallbacks());
        node.put("cacheHit", t.cacheHit());
        if (t.usage() != null) {
            node.set("usage", usageNode(t.usage()));
        }
        if (t.cost() != null) {
            node.put("cost", t.cost().usd().toPlainString());
        }
        if (t.startedAt() != null) {
            node.put("startedAt", t.startedAt().toString());
        }
        if (t.duration() != null) {
            node.put("duration", t.duration().toString());
        }
        if (!t.errors().isEmpty()) {
            putStrings(node, "errors", t.errors());
        }
        return node;
    }

    private static HopTrace trace(JsonIn in) {
        List<RetrievedChunk> retrieved = in.objects("retrieved").stream()
                .map(c -> build(
                        "retrieved chunk",
                        () -> new RetrievedChunk(
                                c.text("id"),
                                c.text("documentId"),
                                c.text("text"),
                                c.number("score"),
                                c.stringMap("metadata"))))
                .toList();
        return build(
                "hop trace",
                () -> new HopTrace(
                        new JobId(in.text("jobId")),
                        new CorrelationId(in.text("correlationId")),
                        in.integer("hop"),
                        retrieved,
                        in.textOrNull("system"),
                        in.textOrNull("prompt"),
                        in.textOrNull("response"),
                        in.textOrNull("raw"),
                        in.textOrNull("model"),
                        in.textOrNull("modelId"),
                        in.strings("fallbacks"),
                        in.bool("cacheHit"),
                        in.optionalObject("usage").map(DomainJson::usage).orElse(null),
                        in.optionalText("cost")
                                .map(x -> new Cost(in.decimal("cost")))
                                .orElse(null),
                        in.optionalInstant("startedAt").orElse(null),
                        in.optionalDuration("duration").orElse(null),
                        in.strings("errors")));
    }

    // ---- jobs, hop records and batches

    public static String write(Job job) {
        return serialize(jobNode(job));
    }

    public static Job readJob(String json) {
        return read(json, "", DomainJson::job);
    }

    public static String write(HopRecord record) {
        return serialize(hopRecordNode(record));
    }

    public static HopRecord readHopRecord(String json) {
        return read(json, "", DomainJson::hopRecord);
    }

    public static String write(Batch batch) {
        return serialize(batchNode(batch));
    }

    public static Batch readBatch(String json) {
        return read(json, "", DomainJson::batch);
    }

    private static ObjectNode jobNode(Job j) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("jobId", j.id().value());
        node.put("tenant", j.tenant().value());
        node.put("pipeline", j.pipeline());
        node.put("status", j.status().name());
        node.put("hop", j.hop());
        node.put("hopCount", j.hopCount());
        putMap(node, "input", j.input());
        node.put("inputFingerprint", j.inputFingerprint());
        ArrayNode hops = node.putArray("hops");
        j.hops().forEach(h -> hops.add(hopRecordNode(h)));
        node.put("correlationId", j.correlationId().value());
        j.idempotencyKey().ifPresent(k -> node.put("idempotencyKey", k));
        j.batchId().ifPresent(b -> node.put("batchId", b.value()));
        node.put("priority", j.priority().wireName());
        j.result().ifPresent(r -> node.put("result", r));
        j.failureReason().ifPresent(r -> node.put("failureReason", r));
        node.put("createdAt", j.createdAt().toString());
        node.put("updatedAt", j.updatedAt().toString());
        return node;
    }

    private static Job job(JsonIn in) {
        List<HopRecord> hops =
                in.objects("hops").stream().map(DomainJson::hopRecord).toList();
        return build(
                "job",
                () -> new Job(
                        new JobId(in.text("jobId")),
                        new TenantId(in.text("tenant")),
                        in.text("pipeline"),
                        status(in.text("status")),
                        in.integer("hop"),
                        in.integer("hopCount"),
                        in.stringMap("input"),
                        in.text("inputFingerprint"),
                        hops,
                        new CorrelationId(in.text("correlationId")),
                        in.optionalText("idempotencyKey"),
                        in.optionalText("batchId").map(BatchId::new),
                        in.optionalText("priority").map(DomainJson::priority).orElse(Priority.INTERACTIVE),
                        in.optionalText("result"),
                        in.optionalText("failureReason"),
                        in.instant("createdAt"),
                        in.instant("updatedAt")));
    }

    private static Priority priority(String text) {
        return Priority.ofWireName(text)
                .orElseThrow(() -> new MalformedJsonException(
                        "'priority' must be interactive or batch, got '" + text + "'", null));
    }

    private static JobStatus status(String text) {
        try {
            return JobStatus.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedJsonException(
                    "'status' must be one of " + List.of(JobStatus.values()) + ", got '" + text + "'", e);
        }
    }

    private static ObjectNode hopRecordNode(HopRecord h) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("hop", h.hop());
        putMap(node, "outputs", h.outputs());
        node.put("model", h.model());
        node.put("modelId", h.modelId());
        putStrings(node, "fallbacks", h.fallbacks());
        node.put("cacheHit", h.cacheHit());
        node.set("usage", usageNode(h.usage()));
        node.put("cost", h.cost().usd().toPlainString());
        node.put("startedAt", h.startedAt().toString());
        node.put("duration", h.duration().toString());
        return node;
    }

    private static HopRecord hopRecord(JsonIn in) {
        return build(
                "hop record",
                () -> new HopRecord(
                        in.integer("hop"),
                        in.stringMap("outputs"),
                        in.text("model"),
                        in.text("modelId"),
                        in.strings("fallbacks"),
                        in.bool("cacheHit"),
                        usage(in.object("usage")),
                        new Cost(in.decimal("cost")),
                        in.instant("startedAt"),
                        in.optionalDuration("duration")
                                .orElseThrow(() -> new MalformedJsonException("'duration' is missing", null))));
    }

    private static ObjectNode batchNode(Batch b) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("batchId", b.id().value());
        node.put("tenant", b.tenant().value());
        node.put("pipeline", b.pipeline());
        putStrings(node, "jobs", b.jobs().stream().map(JobId::value).toList());
        node.put("succeeded", b.succeeded());
        node.put("failed", b.failed());
        node.put("correlationId", b.correlationId().value());
        node.put("createdAt", b.createdAt().toString());
        return node;
    }

    private static Batch batch(JsonIn in) {
        return build(
                "batch",
                () -> new Batch(
                        new BatchId(in.text("batchId")),
                        new TenantId(in.text("tenant")),
                        in.text("pipeline"),
                        in.strings("jobs").stream().map(JobId::new).toList(),
                        in.integer("succeeded"),
                        in.integer("failed"),
                        new CorrelationId(in.text("correlationId")),
                        in.instant("createdAt")));
    }

    // ---- events

    public static String write(DomainEvent event) {
        return serialize(eventNode(event));
    }

    public static DomainEvent readDomainEvent(String json) {
        return read(json, "", DomainJson::event);
    }

    private static ObjectNode eventNode(DomainEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", event.type());
        node.put("correlationId", event.correlationId().value());
        node.put("tenant", event.tenant().value());
        node.put("at", event.at().toString());
        switch (event) {
            case DomainEvent.JobCompleted e -> node.set("job", jobNode(e.job()));
            case DomainEvent.JobFailed e -> node.set("job", jobNode(e.job()));
            case DomainEvent.BatchCompleted e -> node.set("batch", batchNode(e.batch()));
        }
        return node;
    }

    private static DomainEvent event(JsonIn in) {
        String type = in.text("type");
        CorrelationId correlationId = build("event", () -> new CorrelationId(in.text("correlationId")));
        TenantId tenant = build("event", () -> new TenantId(in.text("tenant")));
        Instant at = in.instant("at");
        return switch (type) {
            case "job.completed" -> new DomainEvent.JobCompleted(job(in.object("job")), correlationId, tenant, at);
            case "job.failed" -> new DomainEvent.JobFailed(job(in.object("job")), correlationId, tenant, at);
            case "batch.completed" ->
                new DomainEvent.BatchCompleted(batch(in.object("batch")), correlationId, tenant, at);
            default -> throw new MalformedJsonException("'type' is not a known event: '" + type + "'", null);
        };
    }

    // ---- shared pieces

    /** The usage object every record and event uses: {@code {"input":..,"output":..,"cachedInput":..}}. */
    public static ObjectNode usageNode(TokenUsage usage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("input", usage.input());
        node.put("output", usage.output());
        node.put("cachedInput", usage.cachedInput());
        return node;
    }

    private static TokenUsage usage(JsonIn in) {
        return build(
                "usage",
                () -> new TokenUsage(in.longInteger("input"), in.longInteger("output"), in.longInteger("cachedInput")));
    }

    /** A new empty object node, for callers composing their own documents with {@link #usageNode}. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String serialize(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putStrings(ObjectNode node, String field, Collection<String> values) {
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }

    private static void putMap(ObjectNode node, String field, Map<String, String> values) {
        ObjectNode map = node.putObject(field);
        // Sorted, so that equal records always give byte-identical JSON.
        values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> map.put(e.getKey(), e.getValue()));
    }

    private static <T> T read(String json, String path, Function<JsonIn, T> reader) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException("not JSON: " + e.getOriginalMessage(), e);
        }
        return reader.apply(new JsonIn(root, path));
    }

    /** Runs a record constructor, turning its validation failure into a message that names the record. */
    private static <T> T build(String what, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedJsonException("invalid " + what + ": " + e.getMessage(), e);
        }
    }
}
