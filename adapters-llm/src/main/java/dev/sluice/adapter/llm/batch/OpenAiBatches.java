package dev.sluice.adapter.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.llm.openai.OpenAiLanguageModel;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.TransientException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's Batch API: the window's calls uploaded as one JSONL file ({@code purpose: batch}), a batch created over it
 * for {@code /v1/chat/completions} with a 24-hour completion window, its status read, and its output and error files
 * read line by line when it ends. Each batch carries sluice's submission id in its {@code metadata}, and a window sent
 * again (a batcher killed after OpenAI took the batch, before its id was recorded) finds the batch already made among
 * the latest ones instead of making a second.
 */
public final class OpenAiBatches implements BatchModel {
    private final BatchHttp http;
    private final Optional<String> apiKey;

    public OpenAiBatches(Optional<String> apiKey, Duration timeout) {
        this.http = new BatchHttp("OpenAI", timeout);
        this.apiKey = apiKey;
    }

    @Override
    public String submit(ModelSpec model, String submissionId, List<Request> requests) {
        Optional<String> made = already(model, submissionId);
        if (made.isPresent()) {
            return made.get();
        }
        StringBuilder file = new StringBuilder();
        for (Request r : requests) {
            ObjectNode line = BatchHttp.JSON.createObjectNode();
            line.put("custom_id", r.customId());
            line.put("method", "POST");
            line.put("url", "/v1/chat/completions");
            ObjectNode body = line.putObject("body");
            body.put("model", model.modelId());
            body.put("temperature", model.temperature());
            body.put("max_tokens", model.maxOutputTokens());
            ArrayNode messages = body.putArray("messages");
            if (!r.system().isBlank()) {
                messages.addObject().put("role", "system").put("content", r.system());
            }
            messages.addObject().put("role", "user").put("content", r.prompt());
            file.append(line).append('\n');
        }
        JsonNode uploaded = http.upload(
                uri(model, "/files"),
                headers(),
                Map.of("purpose", "batch"),
                submissionId + ".jsonl",
                file.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode create = BatchHttp.JSON.createObjectNode();
        create.put("input_file_id", uploaded.path("id").asText());
        create.put("endpoint", "/v1/chat/completions");
        create.put("completion_window", "24h");
        create.putObject("metadata").put(SUBMISSION, submissionId);
        JsonNode batch = http.json("POST", uri(model, "/batches"), headers(), create);
        return BatchHttp.required(batch, "id");
    }

    /** A batch made for this submission among the latest ones, unless it failed outright. */
    private Optional<String> already(ModelSpec model, String submissionId) {
        JsonNode latest = http.json("GET", uri(model, "/batches?limit=" + LOOK_BACK), headers(), null);
        for (JsonNode batch : latest.path("data")) {
            if (batch.path("metadata").path(SUBMISSION).asText("").equals(submissionId)
                    && !batch.path("status").asText("").equals("failed")) {
                return Optional.of(BatchHttp.required(batch, "id"));
            }
        }
        return Optional.empty();
    }

    /** How many of the account's latest batches are looked through: OpenAI's largest page. */
    static final int LOOK_BACK = 100;

    static final String SUBMISSION = "sluice_submission";

    @Override
    public Status status(ModelSpec model, String batchId) {
        JsonNode batch = http.json("GET", uri(model, "/batches/" + batchId), headers(), null);
        String status = batch.path("status").asText("");
        return switch (status) {
            case "validating", "in_progress", "finalizing", "cancelling" -> new Status.Running();
            case "completed", "expired", "cancelled", "failed" -> {
                List<Result> results = new ArrayList<>();
                fileOf(batch, "output_file_id").ifPresent(id -> read(model, id, results));
                fileOf(batch, "error_file_id").ifPresent(id -> read(model, id, results));
                yield new Status.Ended(results, !status.equals("completed"));
            }
            default ->
                throw new TransientException(
                        "OpenAI batch " + batchId + " has an unknown status '" + status + "'",
                        FailureKind.BAD_RESPONSE,
                        0,
                        null);
        };
    }

    private void read(ModelSpec model, String fileId, List<Result> results) {
        String content = http.text(uri(model, "/files/" + fileId + "/content"), headers());
        for (String text : content.lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode line = http.line(text);
            String customId = line.path("custom_id").asText();
            JsonNode response = line.path("response");
            int status = response.path("status_code").asInt(0);
            if (status == 200) {
                results.add(new Result.Answered(customId, completion(response.path("body"), model)));
            } else if (status != 0) {
                results.add(new Result.Errored(
                        customId,
                        BatchHttp.lineError(
                                "OpenAI", status, response.path("body").toString())));
            }
            // A line with no response (the batch expired or was cancelled before it) is left waiting, to go again.
        }
    }

    private static Completion completion(JsonNode body, ModelSpec model) {
        JsonNode choice = body.path("choices").path(0);
        JsonNode usage = body.path("usage");
        return new Completion(
                choice.path("message").path("content").asText(""),
                new TokenUsage(
                        usage.path("prompt_tokens").asLong(0),
                        usage.path("completion_tokens").asLong(0),
                        usage.path("prompt_tokens_details")
                                .path("cached_tokens")
                                .asLong(0)),
                body.path("model").asText(model.modelId()),
                choice.path("finish_reason").asText("stop"),
                body.toString());
    }

    private static Optional<String> fileOf(JsonNode batch, String field) {
        JsonNode id = batch.path(field);
        return id.isTextual() && !id.asText().isEmpty() ? Optional.of(id.asText()) : Optional.empty();
    }

    private Map<String, String> headers() {
        return Map.of("authorization", "Bearer " + apiKey.orElse("none"));
    }

    private static URI uri(ModelSpec model, String path) {
        return BatchHttp.uri(model, OpenAiLanguageModel.DEFAULT_BASE_URL, path);
    }
}
