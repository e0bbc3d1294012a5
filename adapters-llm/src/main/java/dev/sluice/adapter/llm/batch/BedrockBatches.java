package dev.sluice.adapter.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.llm.bedrock.BedrockSdk;
import dev.sluice.adapter.llm.internal.ProviderErrors;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationJobStatus;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Bedrock's batch inference: a window's calls written to the stack's bucket as one JSONL file of records (each call
 * as InvokeModel's body in its model family's shape), one model invocation job created over it, its status read, and
 * the answers Bedrock wrote beside it read when it ends. The create carries a token derived from sluice's submission
 * id, so a window sent again (a batcher killed after Bedrock took the job, before its id was recorded) gets the job
 * already made. Bedrock takes at least {@value #MINIMUM_RECORDS} records a job ({@link #minimumLines}): the batcher
 * keeps a smaller window's calls for the next one, and a smaller window sent anyway is refused here, before anything
 * is written.
 */
public final class BedrockBatches implements BatchModel {
    /** Bedrock's least number of records in a batch inference job. */
    public static final int MINIMUM_RECORDS = 100;

    /** Bedrock's most records in one job (its default quota). */
    public static final int MAXIMUM_RECORDS = 50_000;

    static final String PREFIX = "batches/bedrock/";

    private enum Family {
        CLAUDE,
        NOVA,
        LLAMA
    }

    private final BedrockClient bedrock;
    private final BedrockBatchStorage storage;

    public BedrockBatches(ModelSpec spec, BedrockBatchStorage storage, Duration timeout) {
        this.storage = storage;
        this.bedrock = BedrockSdk.configured(BedrockClient.builder(), spec, timeout, c -> {})
                .build();
    }

    /** Whether sluice writes the InvokeModel body of this model's family (Claude, Nova, Llama). */
    public static boolean writesBodiesFor(String modelId) {
        return family(modelId).isPresent();
    }

    @Override
    public String submit(ModelSpec model, String submissionId, List<Request> requests) {
        Family family = family(model.modelId())
                .orElseThrow(() -> new PermanentException(
                        "Bedrock batch inference: sluice writes no request body for model '" + model.modelId() + "'",
                        FailureKind.NOT_CONFIGURED,
                        0,
                        null));
        if (requests.size() < MINIMUM_RECORDS || requests.size() > MAXIMUM_RECORDS) {
            throw new PermanentException(
                    "Bedrock batch inference takes "
                            + (requests.size() < MINIMUM_RECORDS
                                    ? "at least " + MINIMUM_RECORDS
                                    : "at most " + MAXIMUM_RECORDS)
                            + " records a job; this window has " + requests.size(),
                    FailureKind.INVALID_REQUEST,
                    400,
                    null);
        }
        String name = jobName(model.alias(), submissionId);
        String folder = PREFIX + name + "/";
        // A window sent again (a batcher killed after writing it) keeps what was first written: the job its token
        // names may already have read those records.
        if (read(folder + "records.json").isEmpty()) {
            StringBuilder records = new StringBuilder();
            ObjectNode ids = BatchHttp.JSON.createObjectNode();
            for (Request r : requests) {
                String recordId = recordId(r.customId());
                if (ids.has(recordId)) {
                    throw new PermanentException(
                            "two calls of the window share the record id " + recordId,
                            FailureKind.INVALID_REQUEST,
                            0,
                            null);
                }
                ids.put(recordId, r.customId());
                ObjectNode record = BatchHttp.JSON.createObjectNode();
                record.put("recordId", recordId);
                record.set("modelInput", body(family, model, r));
                records.append(record).append('\n');
            }
            // The ids last: where they are, the records are too.
            put(folder + "input.jsonl", records.toString());
            put(folder + "records.json", ids.toString());
        }
        long hours = Math.clamp(model.batch().map(b -> b.window().toHours()).orElse(24L), 24L, 168L);
        return call(() -> bedrock.createModelInvocationJob(b -> b.jobName(name)
                        .modelId(model.modelId())
                        .roleArn(storage.roleArn())
                        .clientRequestToken(token(submissionId))
                        .timeoutDurationInHours((int) hours)
                        .inputDataConfig(in -> in.s3InputDataConfig(
                                s3 -> s3.s3Uri(uri(folder + "input.jsonl")).s3InputFormat("JSONL")))
                        .outputDataConfig(out -> out.s3OutputDataConfig(s3 -> s3.s3Uri(uri(folder + "out/"))))))
                .jobArn();
    }

    @Override
    public int minimumLines(ModelSpec model) {
        return MINIMUM_RECORDS;
    }

    @Override
    public Status status(ModelSpec model, String batchId) {
        GetModelInvocationJobResponse job = call(() -> bedrock.getModelInvocationJob(b -> b.jobIdentifier(batchId)));
        ModelInvocationJobStatus status = job.status();
        if (status == null) {
            throw new TransientException(
                    "Bedrock job " + batchId + " has an unknown status '" + job.statusAsString() + "'",
                    FailureKind.BAD_RESPONSE,
                    0,
                    null);
        }
        return switch (status) {
            case COMPLETED, PARTIALLY_COMPLETED -> new Status.Ended(results(model, job, records(job)), false);
            // What an expired or stopped job answered is read; the rest goes once more.
            case EXPIRED, STOPPED -> new Status.Ended(results(model, job, records(job)), true);
            // Bedrock refused the job as a whole after taking it (its records, its role, its model): the same records
            // in another job would fail the same way a window later, so each line it did not answer is asked live now.
            case FAILED -> new Status.Ended(failed(model, job), false);
            default -> new Status.Running(); // submitted, validating, scheduled, in progress, stopping
        };
    }

    /**
     * A failed job's lines: what it answered, if anything, and every other record errored with the job's reason, not
     * permanently, so that its hop asks the call live.
     */
    private List<Result> failed(ModelSpec model, GetModelInvocationJobResponse job) {
        JsonNode ids = records(job);
        List<Result> results = results(model, job, ids);
        Set<String> got = new HashSet<>();
        results.forEach(r -> got.add(r.customId()));
        ParkedCalls.LineError error = new ParkedCalls.LineError(
                FailureKind.INVALID_REQUEST,
                false,
                0,
                BatchHttp.abbreviate("the Bedrock job " + job.jobArn() + " failed: "
                        + Optional.ofNullable(job.message()).orElse("no reason given")));
        for (JsonNode customId : ids) {
            if (got.add(customId.asText())) {
                results.add(new Result.Errored(customId.asText(), error));
            }
        }
        return results;
    }

    /** The job's {@code records.json}: each record's id to its line's key. */
    private JsonNode records(GetModelInvocationJobResponse job) {
        String input = key(job.inputDataConfig().s3InputDataConfig().s3Uri());
        String folder = input.substring(0, input.lastIndexOf('/') + 1);
        return read(folder + "records.json")
                .map(text -> BatchHttp.line("Bedrock", text))
                .orElseThrow(() -> new PermanentException(
                        "Bedrock job " + job.jobArn() + ": its records.json is gone",
                        FailureKind.NOT_FOUND,
                        404,
                        null));
    }

    /** The answers Bedrock wrote for the job, each mapped back to its line by {@code ids}, its records.json. */
    private List<Result> results(ModelSpec model, GetModelInvocationJobResponse job, JsonNode ids) {
        String input = key(job.inputDataConfig().s3InputDataConfig().s3Uri());
        String out = key(job.outputDataConfig().s3OutputDataConfig().s3Uri());
        String jobId = job.jobArn().substring(job.jobArn().lastIndexOf('/') + 1);
        String answers = (out.endsWith("/") || out.isEmpty() ? out : out + "/") + jobId + "/"
                + input.substring(input.lastIndexOf('/') + 1) + ".out";
        Optional<String> written = read(answers);
        Family family = family(model.modelId()).orElse(Family.CLAUDE);
        List<Result> results = new ArrayList<>();
        for (String text : written.orElse("").lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode line = BatchHttp.line("Bedrock", text);
            String customId = ids.path(line.path("recordId").asText("")).asText("");
            if (customId.isEmpty()) {
                continue; // not one of this job's records
            }
            JsonNode error = line.path("error");
            if (error.isObject() || error.isTextual()) {
                int code = error.path("errorCode").asInt(500);
                String message = error.isTextual()
                        ? error.asText()
                        : error.path("errorMessage").asText(error.toString());
                results.add(new Result.Errored(customId, BatchHttp.lineError("Bedrock", code, message)));
            } else {
                results.add(new Result.Answered(customId, completion(family, line.path("modelOutput"), model)));
            }
        }
        return results;
    }

    /** The family by the id's name, as {@link ModelSpec#BEDROCK_BATCH_FAMILIES} lists them. */
    private static Optional<Family> family(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        if (id.contains("anthropic.")) {
            return Optional.of(Family.CLAUDE);
        }
        if (id.contains("amazon.nova")) {
            return Optional.of(Family.NOVA);
        }
        if (id.contains("meta.")) {
            return Optional.of(Family.LLAMA);
        }
        return Optional.empty();
    }

    /** One call as InvokeModel's body in the family's own shape. */
    private static ObjectNode body(Family family, ModelSpec model, Request r) {
        ObjectNode body = BatchHttp.JSON.createObjectNode();
        switch (family) {
            case CLAUDE -> {
                body.put("anthropic_version", "bedrock-2023-05-31");
                body.put("max_tokens", model.maxOutputTokens());
                body.put("temperature", model.temperature());
                if (!r.system().isBlank()) {
                    body.put("system", r.system());
                }
                body.putArray("messages")
                        .addObject()
                        .put("role", "user")
                        .putArray("content")
                        .addObject()
                        .put("type", "text")
                        .put("text", r.prompt());
            }
            case NOVA -> {
                body.put("schemaVersion", "messages-v1");
                if (!r.system().isBlank()) {
                    body.putArray("system").addObject().put("text", r.system());
                }
                body.putArray("messages")
                        .addObject()
                        .put("role", "user")
                        .putArray("content")
                        .addObject()
                        .put("text", r.prompt());
                body.putObject("inferenceConfig")
                        .put("maxTokens", model.maxOutputTokens())
                        .put("temperature", model.temperature());
            }
            case LLAMA -> {
                StringBuilder prompt = new StringBuilder("<|begin_of_text|>");
                if (!r.system().isBlank()) {
                    prompt.append("<|start_header_id|>system<|end_header_id|>\n\n")
                            .append(r.system())
                            .append("<|eot_id|>");
                }
                prompt.append("<|start_header_id|>user<|end_header_id|>\n\n")
                        .append(r.prompt())
                        .append("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
                body.put("prompt", prompt.toString());
                body.put("max_gen_len", model.maxOutputTokens());
                body.put("temperature", model.temperature());
            }
        }
        return body;
    }

    /** An answer in the family's own shape; input tokens count cache reads, as the live adapters count them. */
    private static Completion completion(Family family, JsonNode out, ModelSpec model) {
        StringBuilder text = new StringBuilder();
        long input;
        long output;
        long cached;
        String stop;
        switch (family) {
            case CLAUDE -> {
                for (JsonNode block : out.path("content")) {
                    if (block.path("type").asText("text").equals("text")) {
                        text.append(block.path("text").asText(""));
                    }
                }
                JsonNode u = out.path("usage");
                cached = u.path("cache_read_input_tokens").asLong(0);
                input = u.path("input_tokens").asLong(0)
                        + cached
                        + u.path("cache_creation_input_tokens").asLong(0);
                output = u.path("output_tokens").asLong(0);
                stop = out.path("stop_reason").asText("end_turn");
            }
            case NOVA -> {
                for (JsonNode block : out.path("output").path("message").path("content")) {
                    text.append(block.path("text").asText(""));
                }
                JsonNode u = out.path("usage");
                cached = u.path("cacheReadInputTokenCount").asLong(0);
                input = u.path("inputTokens").asLong(0)
                        + cached
                        + u.path("cacheWriteInputTokenCount").asLong(0);
                output = u.path("outputTokens").asLong(0);
                stop = out.path("stopReason").asText("end_turn");
            }
            default -> {
                text.append(out.path("generation").asText(""));
                cached = 0;
                input = out.path("prompt_token_count").asLong(0);
                output = out.path("generation_token_count").asLong(0);
                stop = out.path("stop_reason").asText("stop");
            }
        }
        return new Completion(
                text.toString(), new TokenUsage(input, output, cached), model.modelId(), stop, out.toString());
    }

    /**
     * A job name Bedrock takes ({@code [a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*}, at most 63 characters), the same for the same
     * window: the alias as far as it fits, then a digest of the submission id.
     */
    static String jobName(String alias, String submissionId) {
        String clean = alias.replaceAll("[^a-zA-Z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (clean.length() > 24) {
            clean = clean.substring(0, 24);
        }
        return "sluice-" + (clean.isEmpty() ? "" : clean + "-")
                + digest(submissionId).substring(0, 24);
    }

    /**
     * A record's id: Bedrock's ids are 11 characters, a line's key is 64, so the id is the first 11 base-36 digits of a
     * digest of the key. The same call gets the same id whatever else is in its window.
     */
    static String recordId(String customId) {
        String digits = new java.math.BigInteger(1, digestBytes(customId)).toString(36);
        return (digits + "00000000000").substring(0, 11);
    }

    /** The create's idempotency token ({@code [a-zA-Z0-9](-*[a-zA-Z0-9])*}, at most 256). */
    static String token(String submissionId) {
        return "sluice-" + digest(submissionId);
    }

    private static String digest(String text) {
        return HexFormat.of().formatHex(digestBytes(text));
    }

    private static byte[] digestBytes(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String uri(String key) {
        return "s3://" + storage.bucket() + "/" + key;
    }

    /** The key of an {@code s3://bucket/key} URI. */
    private static String key(String s3Uri) {
        String rest = s3Uri.startsWith("s3://") ? s3Uri.substring(5) : s3Uri;
        int slash = rest.indexOf('/');
        return slash < 0 ? "" : rest.substring(slash + 1);
    }

    private void put(String key, String content) {
        call(() -> storage.s3()
                .putObject(
                        b -> b.bucket(storage.bucket()).key(key).contentType("application/jsonl"),
                        RequestBody.fromString(content, StandardCharsets.UTF_8)));
    }

    private Optional<String> read(String key) {
        try {
            return Optional.of(call(() -> storage.s3()
                    .getObjectAsBytes(b -> b.bucket(storage.bucket()).key(key))
                    .asUtf8String()));
        } catch (Missing e) {
            return Optional.empty();
        }
    }

    /** An object that is not there: Bedrock wrote no answers (yet), or they expired. */
    private static final class Missing extends RuntimeException {
        Missing(NoSuchKeyException cause) {
            super(cause);
        }
    }

    /** An AWS call, its refusal classified as the live adapters classify one: throttled or 5xx is worth a retry. */
    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (NoSuchKeyException e) {
            throw new Missing(e);
        } catch (AwsServiceException | SdkClientException e) {
            throw (RuntimeException) ProviderErrors.classify("Bedrock", e, BedrockSdk::failureOf);
        }
    }
}
