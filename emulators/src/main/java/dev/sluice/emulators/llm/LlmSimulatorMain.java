package dev.sluice.emulators.llm;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator until interrupted: {@code --port 8089} (default), {@code --config sim.json}, and flags for the
 * default behaviour: {@code --latency-ms}, {@code --p99-ms}, {@code --mode}, {@code --rpm}, {@code --tpm},
 * {@code --error-rate}, {@code --malformed-rate}, {@code --hang-rate}, {@code --counting} (sliding-minute,
 * token-bucket, per-second).
 */
public final class LlmSimulatorMain {
    private LlmSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 8089;
        StringBuilder json = new StringBuilder("{");
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = Integer.parseInt(value);
                case "--config" -> config = Path.of(value);
                case "--latency-ms" -> field(json, "latencyMs", value);
                case "--p99-ms" -> field(json, "p99Ms", value);
                case "--mode" -> field(json, "mode", "\"" + value + "\"");
                case "--rpm" -> field(json, "rpm", value);
                case "--tpm" -> field(json, "tpm", value);
                case "--error-rate" -> field(json, "errorRate", value);
                case "--malformed-rate" -> field(json, "malformedRate", value);
                case "--hang-rate" -> field(json, "hangRate", value);
                case "--counting" ->
                    field(json, "counting", WireFormat.JSON.valueToTree(value).toString());
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        LlmSimulator simulator = LlmSimulator.start(port);
        if (config != null) {
            SimulatorConfig.load(config).applyTo(simulator);
        }
        if (json.length() > 1) {
            try {
                ModelBehaviour base = simulator.defaultBehaviour();
                simulator.configureDefault(SimulatorConfig.behaviour(
                        WireFormat.JSON.readTree(json.append('}').toString()), base));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("bad flag value", e);
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        System.out.println("LLM simulator listening on " + simulator.endpoint()
                + " (HTTP/1.1 and h2c; base URL for OpenAI " + simulator.endpoint() + "/v1, for Anthropic, Gemini,"
                + " Ollama and Bedrock " + simulator.endpoint() + ")");
        stopped.await();
    }

    private static void field(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":").append(value);
    }
}
