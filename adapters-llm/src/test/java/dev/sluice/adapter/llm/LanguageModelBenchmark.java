package dev.sluice.adapter.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.llm.resilience.ResilienceSettings;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * Prints what an adapter adds to a call (LangChain4j, classification, Resilience4j time limit, retry and breaker)
 * over a raw {@link HttpClient} round trip to the same simulated model with a fixed 20 ms latency, measured in the
 * same run and interleaved, and the simulator's own throughput. The {@code aws-sdk} row is the Bedrock SDK client
 * alone, to tell the SDK's own cost from the adapter's. Not part of {@code verify}; run with:
 *
 * <pre>./mvnw -B -q -pl adapters-llm -am test -Dtest=LanguageModelBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class LanguageModelBenchmark {
    private static final int WARMUP = 600;
    private static final int MEASURED = 400;
    private static final Duration LATENCY = Duration.ofMillis(20);
    private static final String PROMPT =
            "Context:\n[1] Sluice admits work at the rate providers allow.\n\n" + "Question: What does sluice admit?";

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void adapterOverheadAgainstARawRoundTripAndSimulatorThroughput() throws Exception {
        try (LlmSimulator simulator = LlmSimulator.start()) {
            simulator.configureDefault(ModelBehaviour.DEFAULT.withLatency(Latency.fixed(LATENCY)));
            String base = simulator.endpoint().toString();
            System.out.printf(
                    "%nAdapter vs raw HttpClient, simulator latency %d ms, %d calls each after %d warm-up%n",
                    LATENCY.toMillis(), MEASURED, WARMUP);
            System.out.printf(
                    "%-10s %12s %12s %12s %12s %9s %9s%n",
                    "provider", "raw p50 ms", "raw p99 ms", "adapter p50", "adapter p99", "x p50", "x p99");
            compare(simulator, "openai", Map.of("baseUrl", base + "/v1"), "/v1/chat/completions", openAiBody());
            compare(simulator, "anthropic", Map.of("baseUrl", base + "/v1/"), "/v1/messages", anthropicBody());
            compare(
                    simulator,
                    "bedrock",
                    Map.of("baseUrl", base, "credentials", "local"),
                    "/model/bench-bedrock/converse",
                    bedrockBody());
            compare(
                    simulator,
                    "gemini",
                    Map.of("baseUrl", base + "/v1beta"),
                    "/v1beta/models/bench-gemini:generateContent",
                    geminiBody());
            compare(simulator, "ollama", Map.of("baseUrl", base), "/api/chat", ollamaBody());
            bedrockSdkAlone(simulator);

            simulator.configureDefault(ModelBehaviour.DEFAULT);
            throughput(simulator, 16, Duration.ofSeconds(5), "no latency");
            simulator.configureDefault(ModelBehaviour.DEFAULT.withLatency(Latency.fixed(LATENCY)));
            throughput(simulator, 256, Duration.ofSeconds(5), LATENCY.toMillis() + " ms latency");
        }
    }

    private void compare(LlmSimulator simulator, String provider, Map<String, String> options, String path, String body)
            throws Exception {
        ModelSpec spec = new ModelSpec(
                "bench", provider, "bench-" + provider, 0, 256, RateLimits.NONE, Prices.FREE, List.of(), options);
        LanguageModel model = LanguageModels.create(
                List.of(spec),
                name -> Optional.empty(),
                ResilienceSettings.DEFAULTS.withCallTimeout(Duration.ofSeconds(10)));
        HttpRequest raw = HttpRequest.newBuilder(URI.create(simulator.endpoint() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        ModelCall call = new ModelCall(spec, "Answer only from the context.", PROMPT, CorrelationId.random());
        for (int i = 0; i < WARMUP; i++) {
            rawCall(raw);
            model.complete(call);
        }
        long[] rawNanos = new long[MEASURED];
        long[] adapterNanos = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            rawCall(raw);
            long t1 = System.nanoTime();
            String text = model.complete(call).text();
            long t2 = System.nanoTime();
            assertThat(text).contains("Sluice admits work");
            rawNanos[i] = t1 - t0;
            adapterNanos[i] = t2 - t1;
        }
        print(provider, rawNanos, adapterNanos);
    }

    /** The AWS SDK client by itself (no LangChain4j, no Resilience4j), to attribute Bedrock's overhead. */
    private void bedrockSdkAlone(LlmSimulator simulator) throws Exception {
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder()
                .region(Region.EU_WEST_1)
                .endpointOverride(simulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            ConverseRequest request = ConverseRequest.builder()
                    .modelId("bench-bedrock")
                    .system(SystemContentBlock.fromText("Answer only from the context."))
                    .messages(Message.builder()
                            .role(ConversationRole.USER)
                            .content(ContentBlock.fromText(PROMPT))
                            .build())
                    .inferenceConfig(c -> c.maxTokens(256))
                    .build();
            HttpRequest raw = HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/model/bench-bedrock/converse"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bedrockBody()))
                    .build();
            for (int i = 0; i < WARMUP; i++) {
                rawCall(raw);
                client.converse(request);
            }
            long[] rawNanos = new long[MEASURED];
            long[] sdkNanos = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                long t0 = System.nanoTime();
                rawCall(raw);
                long t1 = System.nanoTime();
                client.converse(request);
                sdkNanos[i] = System.nanoTime() - t1;
                rawNanos[i] = t1 - t0;
            }
            print("aws-sdk", rawNanos, sdkNanos);
        }
    }

    private static void print(String what, long[] rawNanos, long[] otherNanos) {
        double rawP50 = percentile(rawNanos, 50);
        double rawP99 = percentile(rawNanos, 99);
        double p50 = percentile(otherNanos, 50);
        double p99 = percentile(otherNanos, 99);
        System.out.printf(
                "%-10s %12.2f %12.2f %12.2f %12.2f %8.3fx %8.3fx%n",
                what, rawP50, rawP99, p50, p99, p50 / rawP50, p99 / rawP99);
    }

    private void rawCall(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("raw call answered " + response.statusCode() + ": " + response.body());
        }
    }

    private void throughput(LlmSimulator simulator, int clients, Duration duration, String label) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(openAiBody()))
                .build();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            if (http.send(request, HttpResponse.BodyHandlers.ofString())
                                            .statusCode()
                                    == 200) {
                                done.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            if (failed.incrementAndGet() == 1) {
                                System.out.println("first failure: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        double seconds = duration.toNanos() / 1e9;
        System.out.printf(
                "simulator throughput (%s, %d concurrent clients, extractive answers): %.0f requests/s, %d failed%n",
                label, clients, done.get() / seconds, failed.get());
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String openAiBody() {
        return "{\"model\":\"bench-openai\",\"max_tokens\":256,\"messages\":[{\"role\":\"system\",\"content\":"
                + json("Answer only from the context.") + "},{\"role\":\"user\",\"content\":" + json(PROMPT) + "}]}";
    }

    private static String anthropicBody() {
        return "{\"model\":\"bench-anthropic\",\"max_tokens\":256,\"system\":" + json("Answer only from the context.")
                + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + json(PROMPT)
                + "}]}]}";
    }

    private static String bedrockBody() {
        return "{\"system\":[{\"text\":" + json("Answer only from the context.")
                + "}],\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":" + json(PROMPT)
                + "}]}],\"inferenceConfig\":{\"maxTokens\":256}}";
    }

    private static String geminiBody() {
        return "{\"systemInstruction\":{\"parts\":[{\"text\":" + json("Answer only from the context.")
                + "}]},\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + json(PROMPT)
                + "}]}],\"generationConfig\":{\"maxOutputTokens\":256}}";
    }

    private static String ollamaBody() {
        return "{\"model\":\"bench-ollama\",\"stream\":false,\"messages\":[{\"role\":\"system\",\"content\":"
                + json("Answer only from the context.") + "},{\"role\":\"user\",\"content\":" + json(PROMPT)
                + "}],\"options\":{\"num_predict\":256}}";
    }
}
