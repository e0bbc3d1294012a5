package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulator's behaviour as a JSON file: {@code {"default": {...}, "models": {"gpt-4o-mini": {...}}}}, each
 * behaviour with optional {@code latencyMs}, {@code p99Ms}, {@code mode} (echo, scripted, extractive),
 * {@code script}, {@code rpm}, {@code tpm}, {@code errorRate}, {@code hangRate}, {@code hangForMs},
 * {@code malformedRate}, {@code cachedInputTokens}, {@code inputTpm} and {@code outputTpm} (Anthropic's separate token
 * limits) and {@code counting}: how {@code rpm} and the token limits are counted,
 * {@code sliding-minute} (the default), {@code token-bucket} or {@code per-second} (see {@link RateCounting}; the
 * enum names are accepted too, in any case).
 */
public record SimulatorConfig(ModelBehaviour defaults, Map<String, ModelBehaviour> models) {
    public SimulatorConfig {
        models = Map.copyOf(models);
    }

    public static SimulatorConfig load(Path file) {
        try {
            return parse(WireFormat.JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read simulator config " + file, e);
        }
    }

    static SimulatorConfig parse(JsonNode root) {
        ModelBehaviour defaults = behaviour(root.path("default"), ModelBehaviour.DEFAULT);
        Map<String, ModelBehaviour> models = new LinkedHashMap<>();
        root.path("models").properties().forEach(e -> models.put(e.getKey(), behaviour(e.getValue(), defaults)));
        return new SimulatorConfig(defaults, models);
    }

    public LlmSimulator applyTo(LlmSimulator simulator) {
        simulator.configureDefault(defaults);
        models.forEach(simulator::configure);
        return simulator;
    }

    static ModelBehaviour behaviour(JsonNode n, ModelBehaviour base) {
        if (n.isMissingNode() || n.isNull()) {
            return base;
        }
        long median = n.path("latencyMs").asLong(base.latency().median().toMillis());
        long p99 = n.path("p99Ms").asLong(Math.max(median, base.latency().p99().toMillis()));
        List<String> script = new ArrayList<>();
        n.path("script").forEach(s -> script.add(s.asText()));
        ResponseMode mode = n.has("mode")
                ? ResponseMode.valueOf(n.get("mode").asText().toUpperCase(Locale.ROOT))
                : script.isEmpty() ? base.mode() : ResponseMode.SCRIPTED;
        return new ModelBehaviour(
                Latency.ofMillis(median, p99),
                mode,
                script.isEmpty() ? base.script() : script,
                n.path("rpm").asLong(base.rpm()),
                n.path("tpm").asLong(base.tpm()),
                n.path("errorRate").asDouble(base.errorRate()),
                n.path("hangRate").asDouble(base.hangRate()),
                n.path("malformedRate").asDouble(base.malformedRate()),
                Duration.ofMillis(n.path("hangForMs").asLong(base.hangFor().toMillis())),
                n.path("cachedInputTokens").asLong(base.cachedInputTokens()),
                counting(n.path("counting"), base.counting()),
                n.path("inputTpm").asLong(base.inputTpm()),
                n.path("outputTpm").asLong(base.outputTpm()));
    }

    /** {@code sliding-minute}, {@code token-bucket} or {@code per-second}, or an enum name, in any case. */
    static RateCounting counting(JsonNode value, RateCounting base) {
        if (value.isMissingNode() || value.isNull()) {
            return base;
        }
        if (value.isTextual()) {
            String name = value.asText().trim();
            for (RateCounting counting : RateCounting.values()) {
                if (counting.configName().equalsIgnoreCase(name)
                        || counting.name().equalsIgnoreCase(name)) {
                    return counting;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (RateCounting counting : RateCounting.values()) {
            allowed.add(counting.configName());
        }
        throw new IllegalArgumentException(
                "'counting' must be one of " + String.join(", ", allowed) + "; was " + value);
    }
}
