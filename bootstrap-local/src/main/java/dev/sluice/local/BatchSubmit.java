package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice submit <pipeline> --batch <file.jsonl>}: one {@code POST /v1/batches} with a job per line, then the
 * batch's progress ({@code GET /v1/batches/{id}}) with an ETA until every job has ended.
 */
final class BatchSubmit {
    private BatchSubmit() {}

    static int run(ApiClient api, String pipeline, Path file, Optional<String> key, PrintStream out)
            throws IOException, InterruptedException {
        List<JsonNode> items = items(file);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipeline", pipeline);
        body.put("items", items);
        key.ifPresent(k -> body.put("idempotencyKey", k));
        ApiClient.Reply accepted = api.post("/v1/batches", body);
        if (!accepted.ok()) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(accepted.body()));
            return 1;
        }
        String id = accepted.body().path("batchId").asText();
        out.println("batch " + id + ": " + items.size() + " job(s) submitted");
        Progress progress = new Progress(out, "batch " + id);
        JsonNode batch;
        while (true) {
            ApiClient.Reply reply = api.get("/v1/batches/" + id);
            if (!reply.ok()) {
                progress.finish();
                out.println("reading the batch failed: HTTP " + reply.status() + " " + reply.body());
                return 1;
            }
            batch = reply.body();
            long total = batch.path("total").asLong();
            long done = batch.path("succeeded").asLong() + batch.path("failed").asLong();
            progress.update(done, total);
            if (batch.path("done").asBoolean() || done >= total) {
                break;
            }
            Thread.sleep(500);
        }
        progress.finish();
        out.println("batch " + id + " ended: " + batch.path("succeeded").asLong() + " succeeded, "
                + batch.path("failed").asLong() + " failed");
        return batch.path("failed").asLong() == 0 ? 0 : 1;
    }

    /** One JSON object per non-blank line; a line that is not one is refused with its number. */
    static List<JsonNode> items(Path file) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode item;
            try {
                item = Json.MAPPER.readTree(lines.get(i));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + ": not JSON (" + e.getOriginalMessage() + ")", e);
            }
            if (!item.isObject()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": must be a JSON object of input fields");
            }
            items.add(item);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + ": holds no inputs");
        }
        return items;
    }
}
