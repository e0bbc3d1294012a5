package dev.sluice.domain.fake;

import dev.sluice.domain.model.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The configuration the scenarios run on, as the tree a YAML parser would produce. */
public final class TestConfig {
    public static final TenantId TENANT = new TenantId("acme");

    private TestConfig() {}

    public static Map<String, Object> tree() {
        Map<String, Object> models = new HashMap<>();
        models.put("fast", model("gpt-fast", List.of(), Map.of("rpm", 1000, "tpm", 1_000_000)));
        models.put("primary", model("gpt-primary", List.of("backup"), Map.of()));
        models.put("backup", model("gpt-backup", List.of(), Map.of()));
        models.put("tight", model("gpt-tight", List.of(), Map.of("rpm", 2)));

        Map<String, Object> pipelines = new HashMap<>();
        pipelines.put(
                "rag",
                pipeline(
                        List.of("question"),
                        List.of(
                                Map.of(
                                        "retrieve",
                                        "context",
                                        "index",
                                        "docs",
                                        "query",
                                        "{{input.question}}",
                                        "topK",
                                        2),
                                Map.of(
                                        "generate",
                                        "answer",
                                        "model",
                                        "fast",
                                        "system",
                                        "Answer only from the context.",
                                        "prompt",
                                        "Context:\n{{steps.context}}\n\nQuestion: {{input.question}}")),
                        Map.of()));
        pipelines.put(
                "chain",
                pipeline(
                        List.of("topic"),
                        List.of(
                                Map.of(
                                        "generate",
                                        "outline",
                                        "model",
                                        "fast",
                                        "prompt",
                                        "Outline an essay on {{input.topic}}"),
                                Map.of("retrieve", "facts", "index", "docs", "query", "{{steps.outline}}", "topK", 2),
                                Map.of(
                                        "generate",
                                        "draft",
                                        "model",
                                        "fast",
                                        "prompt",
                                        "Facts:\n{{steps.facts}}\nWrite a draft following {{steps.outline}}"),
                                Map.of(
                                        "generate",
                                        "final",
                                        "model",
                                        "fast",
                                        "prompt",
                                        "Polish this draft:\n{{steps.draft}}")),
                        Map.of()));
        pipelines.put(
                "ask",
                pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "fast", "prompt", "{{input.question}}")),
                        Map.of()));
        pipelines.put(
                "resilient",
                pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "primary", "prompt", "{{input.question}}")),
                        Map.of()));
        pipelines.put(
                "limited",
                pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "tight", "prompt", "{{input.question}}")),
                        Map.of()));
        pipelines.put(
                "careful",
                pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "fast", "prompt", "{{input.question}}")),
                        Map.of("redactPii", true, "maxOutputChars", 200)));
        pipelines.put(
                "structured",
                pipeline(
                        List.of("question"),
                        List.of(Map.of("generate", "answer", "model", "fast", "prompt", "{{input.question}}")),
                        Map.of("format", "json", "requiredFields", List.of("answer", "confidence"))));

        Map<String, Object> root = new HashMap<>();
        root.put("models", models);
        root.put("pipelines", pipelines);
        root.put("indexes", Map.of("docs", Map.of("dimension", 64, "chunkSize", 200, "chunkOverlap", 40)));
        root.put("engine", Map.of("maxAttempts", 3, "cacheTtl", "1h", "lease", "2m"));
        return root;
    }

    public static Map<String, Object> model(String id, List<String> fallbacks, Map<String, Object> limits) {
        Map<String, Object> m = new HashMap<>();
        m.put("provider", "openai");
        m.put("model", id);
        m.put("maxOutputTokens", 200);
        m.put("limits", limits);
        m.put("prices", Map.of("input", 0.15, "output", 0.60));
        m.put("fallbacks", new ArrayList<>(fallbacks));
        return m;
    }

    public static Map<String, Object> pipeline(
            List<String> inputs, List<Map<String, Object>> steps, Map<String, Object> guards) {
        return new HashMap<>(Map.of("inputs", inputs, "steps", steps, "guardrails", guards));
    }
}
