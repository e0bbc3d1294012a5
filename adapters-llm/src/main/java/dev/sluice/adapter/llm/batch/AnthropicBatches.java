package dev.sluice.adapter.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.llm.anthropic.AnthropicLanguageModel;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.TransientException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic's Message Batches: the window's calls created as one batch of Messages requests, its processing status
 * read, and its results (JSONL, one per request: succeeded, errored, canceled or expired) read when it has ended.
 */
public final class AnthropicBatches implements BatchModel {
    static final String VERSION = "2023-06-01";

    private final BatchHttp http;
    private final Optional<String> apiKey;

    public AnthropicBatches(Optional<String> apiKey, Duration timeout) {
        this.http = new BatchHttp("Anthropic", timeout);
        this.apiKey = apiKey;
    }

    @Override
    public String submit(ModelSpec model, String submissionId, List<Request> requests) {
        ObjectNode create = BatchHttp.JSON.createObjectNode();
        ArrayNode list = create.putArray("requests");
        for (Request r : requests) {
            ObjectNode request = list.addObject();
            request.put("custom_id", r.customId());
            ObjectNode params = request.putObject("params");
            params.put("model", model.modelId());
            params.put("max_tokens", model.maxOutputTokens());
            params.put("temperature", model.temperature());
            if (!r.system().isBlank()) {
                params.put("system", r.system());
            }
            params.putArray("messages").addObject().put("role", "user").put("content", r.prompt());
        }
        return BatchHttp.required(http.json("POST", uri(model, "/messages/batches"), headers(), create), "id");
    }

    @Override
    public Status status(ModelSpec model, String batchId) {
        JsonNode batch = http.json("GET", uri(model, "/messages/batches/" + batchId), headers(), null);
        String status = batch.path("processing_status").asText("");
        if (!status.equals("ended")) {
            if (status.equals("in_progress") || status.equals("canceling")) {
                return new Status.Running();
            }
            throw new TransientException(
                    "Anthropic batch " + batchId + " has an unknown processing status '" + status + "'",
                    FailureKind.BAD_RESPONSE,
                    0,
                    null);
        }
        JsonNode url = batch.path("results_url");
        URI results =
                url.isTextual() ? URI.create(url.asText()) : uri(model, "/messages/batches/" + batchId + "/results");
        List<Result> read = new ArrayList<>();
        boolean unanswered = false;
        for (String text :
                http.text(results, headers()).lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode line = http.line(text);
            String customId = line.path("custom_id").asText();
            JsonNode result = line.path("result");
            switch (result.path("type").asText("")) {
                case "succeeded" -> read.add(new Result.Answered(customId, completion(result.path("message"), model)));
                case "errored" -> read.add(new Result.Errored(customId, error(result.path("error"))));
                default -> unanswered = true; // canceled or expired: left waiting, to go again
            }
        }
        return new Status.Ended(read, unanswered);
    }

    /** An errored result: its error's type says what its status would have been. */
    private static ParkedCalls.LineError error(JsonNode body) {
        JsonNode error = body.path("error").isObject() ? body.path("error") : body;
        int status = switch (error.path("type").asText("")) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            default -> 500;
        };
        return BatchHttp.lineError("Anthropic", status, body.toString());
    }

    private static Completion completion(JsonNode message, ModelSpec model) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText("").equals("text")) {
                text.append(block.path("text").asText(""));
            }
        }
        JsonNode usage = message.path("usage");
        return new Completion(
                text.toString(),
                new TokenUsage(
                        usage.path("input_tokens").asLong(0),
                        usage.path("output_tokens").asLong(0),
                        usage.path("cache_read_input_tokens").asLong(0)),
                message.path("model").asText(model.modelId()),
                message.path("stop_reason").asText("end_turn"),
                message.toString());
    }

    private Map<String, String> headers() {
        return Map.of("x-api-key", apiKey.orElse("none"), "anthropic-version", VERSION);
    }

    private static URI uri(ModelSpec model, String path) {
        return BatchHttp.uri(model, AnthropicLanguageModel.DEFAULT_BASE_URL, path);
    }
}
