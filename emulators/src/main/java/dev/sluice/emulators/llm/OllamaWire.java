package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ollama chat ({@code POST /api/chat}, non-streaming). */
final class OllamaWire implements WireFormat {
    @Override
    public Provider provider() {
        return Provider.OLLAMA;
    }

    @Override
    public Parsed parse(String path, JsonNode body) {
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
        ObjectNode root = WireFormat.object()
                .put("model", model)
                .put("created_at", Instant.now().toString());
        root.putObject("message").put("role", "assistant").put("content", a.text());
        root.put("done", true)
                .put("done_reason", a.finish())
                .put("total_duration", 1_000_000)
                .put("prompt_eval_count", a.inputTokens())
                .put("eval_count", a.outputTokens());
        return WireFormat.write(root);
    }

    @Override
    public Reply error(int status, String message) {
        return new Reply(status, Map.of(), WireFormat.write(WireFormat.object().put("error", message)));
    }

    @Override
    public Reply throttled(long retryAfterSeconds, String message) {
        return error(429, message);
    }
}
