package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedrock's batch inference, the control plane's model invocation jobs: {@code POST /model-invocation-job}
 * (CreateModelInvocationJob, S3 input and output), {@code GET /model-invocation-job/{id or ARN}}, {@code POST
 * .../stop} and {@code GET /model-invocation-jobs}. When the job ends, each JSONL record of its input ({@code recordId},
 * {@code modelInput}: an InvokeModel body in the model family's shape) is answered as InvokeModel would answer it and
 * written, with its input, to {@code <output>/<job id>/<input file>.out} ({@code modelOutput}, or {@code error} with
 * the code and message), beside {@code manifest.json.out} with the counts.
 */
final class BedrockBatches {
    private static final Pattern JOBS = Pattern.compile("/model-invocation-jobs");
    private static final Pattern CREATE = Pattern.compile("/model-invocation-job");
    private static final Pattern JOB = Pattern.compile("/model-invocation-job/([^/]+)");
    private static final Pattern STOP = Pattern.compile("/model-invocation-job/([^/]+)/stop");
    private static final Pattern S3_URI = Pattern.compile("s3://([^/]+)/?(.*)");
    private static final String ARN_PREFIX = "arn:aws:bedrock:us-east-1:000000000000:model-invocation-job/";

    private final BiFunction<String, JsonNode, BatchApis.Line> answering;
    private final Clock clock;
    private final Supplier<Duration> processing;
    private final BooleanSupplier expiring;
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9+\\-.])*");

    /** Bedrock's least number of records in a job. */
    static final int MINIMUM_RECORDS = 100;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> byToken = new ConcurrentHashMap<>();
    private volatile BatchStorage storage;
    private volatile int minimumRecords = MINIMUM_RECORDS;

    /**
     * @param answering answers one record: the model id and its InvokeModel body
     * @param expiring whether the next job created expires (and uses up one such order)
     */
    BedrockBatches(
            BiFunction<String, JsonNode, BatchApis.Line> answering,
            Clock clock,
            Supplier<Duration> processing,
            BooleanSupplier expiring) {
        this.answering = answering;
        this.clock = clock;
        this.processing = processing;
        this.expiring = expiring;
    }

    void storage(BatchStorage storage) {
        this.storage = storage;
    }

    void reset() {
        jobs.clear();
        byToken.clear();
        minimumRecords = MINIMUM_RECORDS;
    }

    void minimumRecords(int records) {
        this.minimumRecords = records;
    }

    private static final class Job {
        final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        final JsonNode request;
        final Instant submitted;
        final boolean expires;
        String status = "Submitted";
        String message;
        Instant ended;

        Job(JsonNode request, Instant submitted, boolean expires) {
            this.request = request;
            this.submitted = submitted;
            this.expires = expires;
        }

        String arn() {
            return ARN_PREFIX + id;
        }
    }

    Optional<WireFormat.Reply> serve(String method, String rawPath, String body) {
        Matcher m;
        if (JOBS.matcher(rawPath).matches()) {
            return Optional.of(method.equals("GET") ? list() : error(405, "ValidationException", "use GET"));
        }
        if (CREATE.matcher(rawPath).matches()) {
            return Optional.of(method.equals("POST") ? create(body) : error(405, "ValidationException", "use POST"));
        }
        if ((m = STOP.matcher(rawPath)).matches()) {
            String id = m.group(1);
            return Optional.of(method.equals("POST") ? stop(id) : error(405, "ValidationException", "use POST"));
        }
        if ((m = JOB.matcher(rawPath)).matches()) {
            String id = m.group(1);
            return Optional.of(method.equals("GET") ? get(id) : error(405, "ValidationException", "use GET"));
        }
        return Optional.empty();
    }

    private WireFormat.Reply create(String body) {
        JsonNode req;
        try {
            req = WireFormat.JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return error(400, "ValidationException", "the request body is not JSON");
        }
        for (String field : List.of("jobName", "modelId", "roleArn")) {
            if (req.path(field).asText("").isBlank()) {
                return error(400, "ValidationException", "'" + field + "' is required");
            }
        }
        String input = req.path("inputDataConfig")
                .path("s3InputDataConfig")
                .path("s3Uri")
                .asText("");
        String output = req.path("outputDataConfig")
                .path("s3OutputDataConfig")
                .path("s3Uri")
                .asText("");
        if (!S3_URI.matcher(input).matches() || !S3_URI.matcher(output).matches()) {
            return error(400, "ValidationException", "inputDataConfig and outputDataConfig need s3:// URIs");
        }
        String name = req.path("jobName").asText();
        if (name.length() > 63 || !JOB_NAME.matcher(name).matches()) {
            return error(
                    400,
                    "ValidationException",
                    "'jobName' must match [a-zA-Z0-9](-*[a-zA-Z0-9+\\-.])* and be at most 63 characters");
        }
        if (storage == null) {
            return error(400, "ValidationException", "this simulator has no S3 to read batch input from");
        }
        String token = req.path("clientRequestToken").asText("");
        if (!token.isEmpty() && byToken.containsKey(token)) {
            // The create is idempotent by its token: the same job again.
            ObjectNode out = WireFormat.JSON.createObjectNode();
            out.put("jobArn", jobs.get(byToken.get(token)).arn());
            return json(200, out);
        }
        Job job = new Job(req, clock.instant(), expiring.getAsBoolean());
        jobs.put(job.id, job);
        if (!token.isEmpty()) {
            byToken.put(token, job.id);
        }
        ObjectNode out = WireFormat.JSON.createObjectNode();
        out.put("jobArn", job.arn());
        return json(200, out);
    }

    private Optional<Job> find(String identifier) {
        String id = URLDecoder.decode(identifier, StandardCharsets.UTF_8);
        if (id.startsWith(ARN_PREFIX)) {
            id = id.substring(ARN_PREFIX.length());
        }
        return Optional.ofNullable(jobs.get(id));
    }

    private WireFormat.Reply get(String identifier) {
        Optional<Job> job = find(identifier);
        if (job.isEmpty()) {
            return error(404, "ResourceNotFoundException", "no model invocation job " + identifier);
        }
        settle(job.get());
        return json(200, view(job.get()));
    }

    private WireFormat.Reply stop(String identifier) {
        Optional<Job> job = find(identifier);
        if (job.isEmpty()) {
            return error(404, "ResourceNotFoundException", "no model invocation job " + identifier);
        }
        synchronized (job.get()) {
            if (job.get().ended == null) {
                job.get().status = "Stopped";
                job.get().ended = clock.instant();
            }
        }
        return json(200, WireFormat.JSON.createObjectNode());
    }

    private WireFormat.Reply list() {
        ObjectNode out = WireFormat.JSON.createObjectNode();
        ArrayNode summaries = out.putArray("invocationJobSummaries");
        jobs.values().forEach(j -> {
            settle(j);
            summaries.add(view(j));
        });
        return json(200, out);
    }

    /** Ends a job whose time has come: reads its input records, answers each, writes the output and the manifest. */
    private void settle(Job job) {
        synchronized (job) {
            if (job.ended != null) {
                return;
            }
            if (clock.instant().isBefore(job.submitted.plus(processing.get()))) {
                job.status = "InProgress";
                return;
            }
            job.ended = clock.instant();
            if (job.expires) {
                job.status = "Expired";
                job.message = "the job did not finish within its timeout";
                return;
            }
            Matcher in = S3_URI.matcher(job.request
                    .path("inputDataConfig")
                    .path("s3InputDataConfig")
                    .path("s3Uri")
                    .asText());
            Matcher out = S3_URI.matcher(job.request
                    .path("outputDataConfig")
                    .path("s3OutputDataConfig")
                    .path("s3Uri")
                    .asText());
            in.matches();
            out.matches();
            String inBucket = in.group(1);
            String inKey = in.group(2);
            List<String> keys = inKey.endsWith(".jsonl")
                    ? List.of(inKey)
                    : storage.list(inBucket, inKey).stream()
                            .filter(k -> k.endsWith(".jsonl"))
                            .toList();
            long records = keys.stream()
                    .map(k -> storage.get(inBucket, k))
                    .flatMap(Optional::stream)
                    .mapToLong(c -> new String(c, StandardCharsets.UTF_8)
                            .lines()
                            .filter(l -> !l.isBlank())
                            .count())
                    .sum();
            if (records > 0 && records < minimumRecords) {
                // Bedrock validates the input after the create: too few records fail the job.
                job.status = "Failed";
                job.message = "the job's input holds " + records + " records; a batch inference job takes at least "
                        + minimumRecords;
                return;
            }
            String outPrefix = out.group(2).isEmpty() || out.group(2).endsWith("/") ? out.group(2) : out.group(2) + "/";
            long total = 0;
            long succeeded = 0;
            long failed = 0;
            String modelId = job.request.path("modelId").asText();
            for (String key : keys) {
                Optional<byte[]> content = storage.get(inBucket, key);
                if (content.isEmpty()) {
                    continue;
                }
                StringBuilder written = new StringBuilder();
                for (String raw : new String(content.get(), StandardCharsets.UTF_8).split("\n")) {
                    if (raw.isBlank()) {
                        continue;
                    }
                    total++;
                    ObjectNode record = WireFormat.JSON.createObjectNode();
                    try {
                        JsonNode line = WireFormat.JSON.readTree(raw);
                        record.put("recordId", line.path("recordId").asText(String.format("%011d", total)));
                        record.set("modelInput", line.path("modelInput"));
                        BatchApis.Line answered = answering.apply(modelId, line.path("modelInput"));
                        if (answered.status() == 200) {
                            record.set("modelOutput", answered.body());
                            succeeded++;
                        } else {
                            ObjectNode error = record.putObject("error");
                            error.put("errorCode", answered.status());
                            error.put(
                                    "errorMessage",
                                    answered.body()
                                            .path("message")
                                            .asText(answered.body().toString()));
                            failed++;
                        }
                    } catch (IOException e) {
                        record.put("recordId", String.format("%011d", total));
                        ObjectNode error = record.putObject("error");
                        error.put("errorCode", 400);
                        error.put("errorMessage", "the record is not JSON");
                        failed++;
                    }
                    written.append(record).append('\n');
                }
                String name = key.substring(key.lastIndexOf('/') + 1);
                storage.put(
                        out.group(1),
                        outPrefix + job.id + "/" + name + ".out",
                        written.toString().getBytes(StandardCharsets.UTF_8));
            }
            ObjectNode manifest = WireFormat.JSON.createObjectNode();
            manifest.put("totalRecordCount", total);
            manifest.put("processedRecordCount", total);
            manifest.put("successRecordCount", succeeded);
            manifest.put("errorRecordCount", failed);
            storage.put(
                    out.group(1),
                    outPrefix + job.id + "/manifest.json.out",
                    manifest.toString().getBytes(StandardCharsets.UTF_8));
            job.status = total == 0
                    ? "Failed"
                    : failed == 0 ? "Completed" : succeeded == 0 ? "Failed" : "PartiallyCompleted";
            if (total == 0) {
                job.message = "the input holds no records";
            }
        }
    }

    private ObjectNode view(Job job) {
        synchronized (job) {
            ObjectNode v = WireFormat.JSON.createObjectNode();
            v.put("jobArn", job.arn());
            v.put("jobName", job.request.path("jobName").asText());
            v.put("modelId", job.request.path("modelId").asText());
            v.put("roleArn", job.request.path("roleArn").asText());
            v.put("status", job.status);
            if (job.message != null) {
                v.put("message", job.message);
            }
            v.put("submitTime", job.submitted.toString());
            v.put("lastModifiedTime", (job.ended == null ? clock.instant() : job.ended).toString());
            if (job.ended != null) {
                v.put("endTime", job.ended.toString());
            }
            v.set("inputDataConfig", job.request.path("inputDataConfig"));
            v.set("outputDataConfig", job.request.path("outputDataConfig"));
            v.put(
                    "timeoutDurationInHours",
                    job.request.path("timeoutDurationInHours").asInt(24));
            v.put("jobExpirationTime", job.submitted.plus(Duration.ofHours(24)).toString());
            return v;
        }
    }

    private static WireFormat.Reply error(int status, String type, String message) {
        ObjectNode e = WireFormat.JSON.createObjectNode();
        e.put("message", message);
        return new WireFormat.Reply(
                status, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type), e.toString());
    }

    private static WireFormat.Reply json(int status, JsonNode body) {
        return new WireFormat.Reply(status, Map.of("Content-Type", "application/json"), body.toString());
    }
}
