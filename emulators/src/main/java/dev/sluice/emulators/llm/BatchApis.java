package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The providers' batch APIs, for work that can wait: OpenAI's Files and Batches ({@code POST /v1/files} with a
 * {@code purpose=batch} JSONL upload, {@code POST /v1/batches}, {@code GET /v1/batches/{id}}, {@code GET
 * /v1/files/{id}/content}, cancel and list) and Anthropic's Message Batches ({@code POST /v1/messages/batches}, {@code
 * GET /v1/messages/batches/{id}}, its {@code /results} JSONL, cancel and list), in their documented shapes. A batch
 * ends {@link #processing} after it was created, at the first look after that: each line is answered as the live
 * endpoint would answer it (the model's behaviour, script and scripted faults; no rate limits or latency, which a
 * provider's batch queue does not apply per request), a faulted line is an error line with the provider's error body.
 * {@link #expireNext} makes batches expire instead: OpenAI's every line {@code batch_expired}, Anthropic's every result
 * {@code expired}.
 */
final class BatchApis {
    /** One line answered: its HTTP status and body as the live endpoint would send them. */
    record Line(int status, JsonNode body) {}

    /** How the simulator answers one request of a batch. */
    interface Answering {
        Line answer(Provider provider, JsonNode body);
    }

    private static final String OPENAI = "(?:/(?!v1(?:/|$))[^/]+)*/v1";
    private static final Pattern FILES = Pattern.compile(OPENAI + "/files");
    private static final Pattern FILE = Pattern.compile(OPENAI + "/files/([^/]+)");
    private static final Pattern FILE_CONTENT = Pattern.compile(OPENAI + "/files/([^/]+)/content");
    private static final Pattern BATCHES = Pattern.compile(OPENAI + "/batches");
    private static final Pattern BATCH = Pattern.compile(OPENAI + "/batches/([^/]+)");
    private static final Pattern BATCH_CANCEL = Pattern.compile(OPENAI + "/batches/([^/]+)/cancel");
    private static final Pattern MESSAGE_BATCHES = Pattern.compile("/v1/messages/batches");
    private static final Pattern MESSAGE_BATCH = Pattern.compile("/v1/messages/batches/([^/]+)");
    private static final Pattern MESSAGE_RESULTS = Pattern.compile("/v1/messages/batches/([^/]+)/results");
    private static final Pattern MESSAGE_CANCEL = Pattern.compile("/v1/messages/batches/([^/]+)/cancel");
    private static final Pattern CUSTOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Answering answering;
    private final Clock clock;
    private final Map<String, Upload> files = new ConcurrentHashMap<>();
    private final Map<String, OpenAiBatch> openAi = new ConcurrentHashMap<>();
    private final Map<String, MessageBatch> anthropic = new ConcurrentHashMap<>();
    private final AtomicInteger expiring = new AtomicInteger();
    private volatile Duration processing = Duration.ZERO;
    /** Where this simulator was reached, for the absolute {@code results_url} Anthropic gives. */
    private volatile String base = "http://127.0.0.1";

    BatchApis(Answering answering, Clock clock) {
        this.answering = answering;
        this.clock = clock;
    }

    /** How long a batch takes to end after it is created (default: it has ended at the first look). */
    void processing(Duration after) {
        this.processing = after;
    }

    /** The next {@code times} batches created expire instead of being answered. */
    void expireNext(int times) {
        expiring.addAndGet(times);
    }

    Duration processingDelay() {
        return processing;
    }

    /** Whether the batch being created now expires; it uses up one expiry ordered. */
    boolean takeExpiring() {
        return expiring.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    void reset() {
        files.clear();
        openAi.clear();
        anthropic.clear();
        expiring.set(0);
        processing = Duration.ZERO;
    }

    private record Upload(String id, String filename, String purpose, String content, Instant created) {}

    private final class OpenAiBatch {
        final String id = "batch_" + UUID.randomUUID().toString().replace("-", "");
        final String inputFileId;
        final String endpoint;
        final JsonNode metadata;
        final Instant created = clock.instant();
        final boolean expires;
        final List<JsonNode> requests;
        String status = "validating";
        String outputFileId;
        String errorFileId;
        int completed;
        int failed;
        Instant ended;
        ArrayNode errors;

        OpenAiBatch(String inputFileId, String endpoint, JsonNode metadata, List<JsonNode> requests, boolean expires) {
            this.inputFileId = inputFileId;
            this.endpoint = endpoint;
            this.metadata = metadata;
            this.requests = requests;
            this.expires = expires;
        }
    }

    private final class MessageBatch {
        final String id = "msgbatch_" + UUID.randomUUID().toString().replace("-", "");
        final Instant created = clock.instant();
        final List<JsonNode> requests;
        final boolean expires;
        String status = "in_progress";
        Instant ended;
        String results;
        int succeeded;
        int errored;
        int expired;
        int canceled;

        MessageBatch(List<JsonNode> requests, boolean expires) {
            this.requests = requests;
            this.expires = expires;
        }
    }

    /** The answer to a batch API request, or empty when the path is none of theirs. */
    Optional<WireFormat.Reply> serve(String method, String path, Map<String, List<String>> headers, String body) {
        base = "http://" + headers.getOrDefault("host", List.of("127.0.0.1")).getFirst();
        Matcher m;
        if (FILES.matcher(path).matches()) {
            return Optional.of(only("POST", method, Provider.OPENAI, () -> upload(headers, body)));
        }
        if ((m = FILE_CONTENT.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("GET", method, Provider.OPENAI, () -> content(id)));
        }
        if ((m = FILE.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("GET", method, Provider.OPENAI, () -> file(id)));
        }
        if (BATCHES.matcher(path).matches()) {
            return Optional.of(
                    method.equals("GET")
                            ? json(
                                    200,
                                    list(openAi.values().stream()
                                            .map(this::view)
                                            .toList()))
                            : only("POST", method, Provider.OPENAI, () -> create(body)));
        }
        if ((m = BATCH_CANCEL.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("POST", method, Provider.OPENAI, () -> openAiBatch(id, this::cancel)));
        }
        if ((m = BATCH.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("GET", method, Provider.OPENAI, () -> openAiBatch(id, this::batch)));
        }
        if (MESSAGE_BATCHES.matcher(path).matches()) {
            return Optional.of(
                    method.equals("GET")
                            ? json(200, messageList())
                            : only("POST", method, Provider.ANTHROPIC, () -> createMessages(body)));
        }
        if ((m = MESSAGE_RESULTS.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("GET", method, Provider.ANTHROPIC, () -> messageBatch(id, this::results)));
        }
        if ((m = MESSAGE_CANCEL.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("POST", method, Provider.ANTHROPIC, () -> messageBatch(id, this::cancelMessages)));
        }
        if ((m = MESSAGE_BATCH.matcher(path)).matches()) {
            String id = m.group(1);
            return Optional.of(only("GET", method, Provider.ANTHROPIC, () -> messageBatch(id, this::messageBatch)));
        }
        return Optional.empty();
    }

    private interface Handler {
        WireFormat.Reply handle() throws IOException;
    }

    private static WireFormat.Reply only(String allowed, String method, Provider provider, Handler handler) {
        WireFormat wire = wire(provider);
        if (!method.equals(allowed)) {
            return wire.error(405, method + " is not allowed here; use " + allowed);
        }
        try {
            return handler.handle();
        } catch (IOException e) {
            // Only reading a body as JSON throws this: said as the providers say it, without the parser's words.
            return wire.error(400, "the request body is not valid JSON");
        } catch (RuntimeException e) {
            return wire.error(400, String.valueOf(e.getMessage()));
        }
    }

    private static final WireFormat OPENAI_WIRE = new OpenAiWire();
    private static final WireFormat ANTHROPIC_WIRE = new AnthropicWire();

    private static WireFormat wire(Provider provider) {
        return provider == Provider.ANTHROPIC ? ANTHROPIC_WIRE : OPENAI_WIRE;
    }

    // ---- OpenAI ----

    private WireFormat.Reply upload(Map<String, List<String>> headers, String body) {
        String type = headers.getOrDefault("content-type", List.of("")).getFirst();
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
        if (!type.startsWith("multipart/form-data") || !boundary.find()) {
            return wire(Provider.OPENAI).error(400, "the upload must be multipart/form-data with 'file' and 'purpose'");
        }
        Map<String, String[]> parts = multipart(body, boundary.group(1));
        String purpose =
                Optional.ofNullable(parts.get("purpose")).map(p -> p[1].strip()).orElse("");
        String[] file = parts.get("file");
        if (file == null || !purpose.equals("batch")) {
            return wire(Provider.OPENAI).error(400, "'file' and purpose 'batch' are required");
        }
        Upload upload = new Upload(
                "file-" + UUID.randomUUID().toString().replace("-", ""), file[0], purpose, file[1], clock.instant());
        files.put(upload.id(), upload);
        return json(200, fileView(upload));
    }

    /** Each part: its name to {filename, content}. */
    private static Map<String, String[]> multipart(String body, String boundary) {
        Map<String, String[]> parts = new LinkedHashMap<>();
        for (String part : body.split("--" + Pattern.quote(boundary))) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) {
                continue;
            }
            String head = part.substring(0, split);
            String content = part.substring(split + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(head);
            Matcher filename = Pattern.compile("filename=\"([^\"]*)\"").matcher(head);
            if (name.find()) {
                parts.put(name.group(1), new String[] {filename.find() ? filename.group(1) : "", content});
            }
        }
        return parts;
    }

    private ObjectNode fileView(Upload u) {
        ObjectNode f = WireFormat.JSON.createObjectNode();
        f.put("id", u.id());
        f.put("object", "file");
        f.put("bytes", u.content().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        f.put("created_at", u.created().getEpochSecond());
        f.put("filename", u.filename());
        f.put("purpose", u.purpose());
        return f;
    }

    private WireFormat.Reply file(String id) {
        Upload u = files.get(id);
        return u == null ? wire(Provider.OPENAI).error(404, "No such File object: " + id) : json(200, fileView(u));
    }

    private WireFormat.Reply content(String id) {
        Upload u = files.get(id);
        if (u == null) {
            return wire(Provider.OPENAI).error(404, "No such File object: " + id);
        }
        return new WireFormat.Reply(200, Map.of("Content-Type", "application/octet-stream"), u.content());
    }

    private WireFormat.Reply create(String body) throws IOException {
        JsonNode req = WireFormat.JSON.readTree(body.isEmpty() ? "{}" : body);
        String inputFileId = req.path("input_file_id").asText("");
        String endpoint = req.path("endpoint").asText("");
        Upload input = files.get(inputFileId);
        if (input == null) {
            return wire(Provider.OPENAI).error(400, "Invalid 'input_file_id': '" + inputFileId + "'");
        }
        if (!endpoint.equals("/v1/chat/completions")) {
            return wire(Provider.OPENAI).error(400, "Invalid 'endpoint': this simulator batches /v1/chat/completions");
        }
        if (!req.path("completion_window").asText("").equals("24h")) {
            return wire(Provider.OPENAI).error(400, "Invalid 'completion_window': only 24h is supported");
        }
        List<JsonNode> lines = new ArrayList<>();
        ArrayNode errors = WireFormat.JSON.createArrayNode();
        Set<String> ids = new HashSet<>();
        String[] raw = input.content().split("\n");
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isBlank()) {
                continue;
            }
            try {
                JsonNode line = WireFormat.JSON.readTree(raw[i]);
                String customId = line.path("custom_id").asText("");
                if (customId.isEmpty() || !ids.add(customId)) {
                    errors.add(lineError(i + 1, "invalid_request", "custom_id must be given and unique"));
                } else if (!line.path("url").asText("").equals(endpoint)
                        || !line.path("method").asText("").equals("POST")) {
                    errors.add(lineError(i + 1, "mismatched_endpoint", "each line must POST to " + endpoint));
                } else {
                    lines.add(line);
                }
            } catch (IOException e) {
                errors.add(lineError(i + 1, "invalid_json_line", "line " + (i + 1) + " is not JSON"));
            }
        }
        OpenAiBatch batch = new OpenAiBatch(inputFileId, endpoint, req.path("metadata"), lines, takeExpiring());
        if (!errors.isEmpty() || lines.isEmpty()) {
            batch.status = "failed";
            batch.ended = clock.instant();
            batch.errors =
                    errors.isEmpty() ? errors.add(lineError(0, "empty_file", "the input file holds no lines")) : errors;
        }
        openAi.put(batch.id, batch);
        return json(200, view(batch));
    }

    private static ObjectNode lineError(int line, String code, String message) {
        ObjectNode e = WireFormat.JSON.createObjectNode();
        e.put("code", code);
        e.put("message", message);
        e.put("param", (String) null);
        if (line > 0) {
            e.put("line", line);
        } else {
            e.putNull("line");
        }
        return e;
    }

    private WireFormat.Reply openAiBatch(String id, Function<OpenAiBatch, WireFormat.Reply> then) {
        OpenAiBatch b = openAi.get(id);
        return b == null ? wire(Provider.OPENAI).error(404, "No batch found with id '" + id + "'") : then.apply(b);
    }

    private WireFormat.Reply messageBatch(String id, Function<MessageBatch, WireFormat.Reply> then) {
        MessageBatch b = anthropic.get(id);
        return b == null ? wire(Provider.ANTHROPIC).error(404, "message batch " + id + " not found") : then.apply(b);
    }

    private WireFormat.Reply batch(OpenAiBatch b) {
        settle(b);
        return json(200, view(b));
    }

    private WireFormat.Reply cancel(OpenAiBatch b) {
        synchronized (b) {
            if (b.ended == null) {
                b.status = "cancelled";
                b.ended = clock.instant();
            }
        }
        return json(200, view(b));
    }

    /** Ends a batch whose time has come: every line answered (or expired) into an output and an error file. */
    private void settle(OpenAiBatch b) {
        synchronized (b) {
            if (b.ended != null || clock.instant().isBefore(b.created.plus(processing))) {
                if (b.ended == null) {
                    b.status = "in_progress";
                }
                return;
            }
            StringBuilder output = new StringBuilder();
            StringBuilder errors = new StringBuilder();
            for (JsonNode line : b.requests) {
                ObjectNode out = WireFormat.JSON.createObjectNode();
                out.put("id", "batch_req_" + UUID.randomUUID().toString().replace("-", ""));
                out.put("custom_id", line.path("custom_id").asText());
                if (b.expires) {
                    out.putNull("response");
                    ObjectNode error = out.putObject("error");
                    error.put("code", "batch_expired");
                    error.put("message", "This request could not be executed before the completion window expired.");
                    errors.append(out).append('\n');
                    b.failed++;
                    continue;
                }
                Line answered = answering.answer(Provider.OPENAI, line.path("body"));
                ObjectNode response = out.putObject("response");
                response.put("status_code", answered.status());
                response.put("request_id", UUID.randomUUID().toString());
                response.set("body", answered.body());
                out.putNull("error");
                if (answered.status() == 200) {
                    output.append(out).append('\n');
                    b.completed++;
                } else {
                    errors.append(out).append('\n');
                    b.failed++;
                }
            }
            b.outputFileId = output.isEmpty() ? null : stored("batch_output.jsonl", output.toString());
            b.errorFileId = errors.isEmpty() ? null : stored("batch_errors.jsonl", errors.toString());
            b.status = b.expires ? "expired" : "completed";
            b.ended = clock.instant();
        }
    }

    private String stored(String name, String content) {
        Upload u = new Upload(
                "file-" + UUID.randomUUID().toString().replace("-", ""),
                name,
                "batch_output",
                content,
                clock.instant());
        files.put(u.id(), u);
        return u.id();
    }

    private ObjectNode view(OpenAiBatch b) {
        synchronized (b) {
            ObjectNode v = WireFormat.JSON.createObjectNode();
            v.put("id", b.id);
            v.put("object", "batch");
            v.put("endpoint", b.endpoint);
            if (b.errors == null) {
                v.putNull("errors");
            } else {
                ObjectNode errors = v.putObject("errors");
                errors.put("object", "list");
                errors.set("data", b.errors);
            }
            v.put("input_file_id", b.inputFileId);
            v.put("completion_window", "24h");
            v.put("status", b.status);
            v.put("output_file_id", b.outputFileId);
            v.put("error_file_id", b.errorFileId);
            v.put("created_at", b.created.getEpochSecond());
            v.put("expires_at", b.created.plus(Duration.ofHours(24)).getEpochSecond());
            String endedField = switch (b.status) {
                case "completed" -> "completed_at";
                case "expired" -> "expired_at";
                case "cancelled" -> "cancelled_at";
                case "failed" -> "failed_at";
                default -> "";
            };
            for (String f : List.of("completed_at", "expired_at", "cancelled_at", "failed_at")) {
                if (f.equals(endedField)) {
                    v.put(f, b.ended.getEpochSecond());
                } else {
                    v.putNull(f);
                }
            }
            ObjectNode counts = v.putObject("request_counts");
            counts.put("total", b.requests.size());
            counts.put("completed", b.completed);
            counts.put("failed", b.failed);
            v.set("metadata", b.metadata.isMissingNode() ? WireFormat.JSON.nullNode() : b.metadata);
            return v;
        }
    }

    private static ObjectNode list(List<ObjectNode> items) {
        ObjectNode l = WireFormat.JSON.createObjectNode();
        l.put("object", "list");
        l.set("data", WireFormat.JSON.valueToTree(items));
        l.put("has_more", false);
        return l;
    }

    // ---- Anthropic ----

    private WireFormat.Reply createMessages(String body) throws IOException {
        JsonNode req = WireFormat.JSON.readTree(body.isEmpty() ? "{}" : body);
        JsonNode requests = req.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            return wire(Provider.ANTHROPIC).error(400, "requests: must be a non-empty list");
        }
        Set<String> ids = new HashSet<>();
        List<JsonNode> lines = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            JsonNode r = requests.get(i);
            String customId = r.path("custom_id").asText("");
            if (!CUSTOM_ID.matcher(customId).matches()) {
                return wire(Provider.ANTHROPIC)
                        .error(400, "requests." + i + ".custom_id: must be 1 to 64 letters, digits, _ or -");
            }
            if (!ids.add(customId)) {
                return wire(Provider.ANTHROPIC).error(400, "requests." + i + ".custom_id: '" + customId + "' repeats");
            }
            if (!r.path("params").isObject()) {
                return wire(Provider.ANTHROPIC).error(400, "requests." + i + ".params: required");
            }
            lines.add(r);
        }
        MessageBatch batch = new MessageBatch(lines, takeExpiring());
        anthropic.put(batch.id, batch);
        return json(200, view(batch));
    }

    private WireFormat.Reply messageBatch(MessageBatch b) {
        settle(b);
        return json(200, view(b));
    }

    private WireFormat.Reply cancelMessages(MessageBatch b) {
        synchronized (b) {
            if (b.ended == null) {
                StringBuilder results = new StringBuilder();
                for (JsonNode r : b.requests) {
                    ObjectNode line = WireFormat.JSON.createObjectNode();
                    line.put("custom_id", r.path("custom_id").asText());
                    line.putObject("result").put("type", "canceled");
                    results.append(line).append('\n');
                    b.canceled++;
                }
                b.results = results.toString();
                b.status = "ended";
                b.ended = clock.instant();
            }
        }
        return json(200, view(b));
    }

    private WireFormat.Reply results(MessageBatch b) {
        settle(b);
        synchronized (b) {
            if (b.ended == null) {
                return wire(Provider.ANTHROPIC).error(400, "message batch " + b.id + " is still in progress");
            }
            return new WireFormat.Reply(200, Map.of("Content-Type", "application/x-jsonl"), b.results);
        }
    }

    private void settle(MessageBatch b) {
        synchronized (b) {
            if (b.ended != null || clock.instant().isBefore(b.created.plus(processing))) {
                return;
            }
            StringBuilder results = new StringBuilder();
            for (JsonNode r : b.requests) {
                ObjectNode line = WireFormat.JSON.createObjectNode();
                line.put("custom_id", r.path("custom_id").asText());
                ObjectNode result = line.putObject("result");
                if (b.expires) {
                    result.put("type", "expired");
                    b.expired++;
                } else {
                    Line answered = answering.answer(Provider.ANTHROPIC, r.path("params"));
                    if (answered.status() == 200) {
                        result.put("type", "succeeded");
                        result.set("message", answered.body());
                        b.succeeded++;
                    } else {
                        result.put("type", "errored");
                        result.set("error", answered.body());
                        b.errored++;
                    }
                }
                results.append(line).append('\n');
            }
            b.results = results.toString();
            b.status = "ended";
            b.ended = clock.instant();
        }
    }

    private ObjectNode view(MessageBatch b) {
        synchronized (b) {
            ObjectNode v = WireFormat.JSON.createObjectNode();
            v.put("id", b.id);
            v.put("type", "message_batch");
            v.put("processing_status", b.status);
            ObjectNode counts = v.putObject("request_counts");
            counts.put("processing", b.ended == null ? b.requests.size() : 0);
            counts.put("succeeded", b.succeeded);
            counts.put("errored", b.errored);
            counts.put("canceled", b.canceled);
            counts.put("expired", b.expired);
            v.put("ended_at", b.ended == null ? null : b.ended.toString());
            v.put("created_at", b.created.toString());
            v.put("expires_at", b.created.plus(Duration.ofHours(24)).toString());
            v.putNull("archived_at");
            v.putNull("cancel_initiated_at");
            v.put("results_url", b.ended == null ? null : base + "/v1/messages/batches/" + b.id + "/results");
            return v;
        }
    }

    private ObjectNode messageList() {
        ObjectNode l = WireFormat.JSON.createObjectNode();
        ArrayNode data = l.putArray("data");
        anthropic.values().forEach(b -> data.add(view(b)));
        l.put("has_more", false);
        l.put("first_id", data.isEmpty() ? null : data.get(0).path("id").asText());
        l.put(
                "last_id",
                data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText());
        return l;
    }

    private static WireFormat.Reply json(int status, JsonNode body) {
        return new WireFormat.Reply(status, Map.of("Content-Type", "application/json"), body.toString());
    }
}
