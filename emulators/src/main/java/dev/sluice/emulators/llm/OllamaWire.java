package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ollama chat ({@code POST /api/chat}): streamed as newline-delimited JSON unless the request says {@code "stream":
 * false}, as Ollama does. Unknown paths get Ollama's (Go's) plain-text {@code 404 page not found}.
 */
final class OllamaWire implements WireFormat {
    @Override
    public Provider provider() {
        return Provider.OLLAMA;
    }

    @Override
    public Parsed parse(String pathModel, JsonNode body) {
        List<String> system = new ArrayList<>();
        List<String> user = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system")) {
                system.add(m.path("content").asText());
            } else if (role.equals("user")) {
                user.add(m.path("content").asText());
            }
        }
        return new Parsed(
                body.path("model").asText(""),
                String.join("\n", system),
                user,
                body.path("options").path("num_predict").asInt(0));
    }

    @Override
    public String success(String model, Answer a) {
        return WireFormat.write(last(model, a, a.text()));
    }

    private static ObjectNode line(String model, String text) {
        ObjectNode root = WireFormat.object()
                .put("model", model)
                .put("created_at", Instant.now().toString());
        root.putObject("message").put("role", "assistant").put("content", text);
        return root;
    }

    private static ObjectNode last(String model, Answer a, String text) {
        ObjectNode root = line(model, text);
        root.put("done", true)
                .put("done_reason", a.finish())
                .put("total_duration", 1_000_000)
                .put("prompt_eval_count", a.inputTokens())
                .put("eval_count", a.outputTokens());
        return root;
    }

    @Override
    public boolean streams(JsonNode body) {
        return body.path("stream").asBoolean(true);
    }

    @Override
    public Stream stream(String model, Answer a, List<String> pieces, JsonNode body) {
        List<byte[]> frames = new ArrayList<>();
        for (String piece : pieces) {
            frames.add(ndjson(line(model, piece).put("done", false)));
        }
        frames.add(ndjson(last(model, a, "")));
        return new Stream("application/x-ndjson", frames);
    }

    private static byte[] ndjson(ObjectNode node) {
        return (WireFormat.write(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Reply error(int status, String message) {
        return new Reply(status, Map.of(), WireFormat.write(WireFormat.object().put("error", message)));
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message, boolean byTokens) {
        return error(429, message);
    }

    @Override
    public List<Integer> serverFaults() {
        return List.of(500);
    }

    @Override
    public Reply notFound(String method, String path) {
        return new Reply(404, Map.of("content-type", "text/plain"), "404 page not found");
    }

    @Override
    public Reply methodNotAllowed(String method, String path) {
        return new Reply(405, Map.of("content-type", "text/plain"), "405 method not allowed");
    }
}
