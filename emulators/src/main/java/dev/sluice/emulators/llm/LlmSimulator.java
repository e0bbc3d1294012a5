package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A local LLM provider on 127.0.0.1 that speaks OpenAI chat completions and embeddings, Anthropic messages, Bedrock
 * Runtime Converse (and Titan-style InvokeModel embeddings), Gemini generateContent and Ollama chat, with per-model
 * latency, limits (counted as each model's {@link RateCounting} says), faults and answers. It records every request,
 * counts calls per model and keeps how each chat request was answered ({@link #chatOutcomes(String)}).
 */
public final class LlmSimulator implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY Nagle adds ~40 ms per response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // Past 200 idle keep-alive connections (the default) the server closes them under its clients' feet.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
    }

    private static final int RECORDED_LIMIT = 10_000;
    private static final int OUTCOMES_LIMIT = 1_000_000;
    private static final int SCRIPTED_THROTTLE = 0;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ModelBehaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, RateCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> scriptedFaults = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> scriptedAnswers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> scriptPositions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, Usage> billed = new ConcurrentHashMap<>();
    /** A 200 whose body stops mid-JSON, as a connection cut during the response would leave it. */
    private static final String MALFORMED_BODY = "{\"id\":\"simulated-malformed\",\"choi";

    private final AtomicLong totalCalls = new AtomicLong();
    private final Deque<ReceivedRequest> received = new ConcurrentLinkedDeque<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> outcomes = new ConcurrentHashMap<>();
    private volatile java.util.function.BiConsumer<String, String> onAnswer = (model, body) -> {};
    private final Extractor extractor = new Extractor(2);
    private volatile ModelBehaviour defaultBehaviour = ModelBehaviour.DEFAULT;
    /** The clock limits are counted by; its reading {@code originNanos} stands for the instant {@code origin}. */
    private final LongSupplier nanoTime;

    private final long originNanos;
    private final Instant origin;
    /** Chat outcomes numbered by arrival, in the order they were answered; guarded by itself. */
    private final Deque<Numbered> chatOutcomes = new ArrayDeque<>();

    private final AtomicLong arrivals = new AtomicLong();

    private record Numbered(long arrival, ChatOutcome outcome) {}

    private LlmSimulator(int port, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.originNanos = nanoTime.getAsLong();
        this.origin = Instant.now();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the LLM simulator to 127.0.0.1:" + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a simulator on a free port. */
    public static LlmSimulator start() {
        return start(0);
    }

    public static LlmSimulator start(int port) {
        return start(port, System::nanoTime);
    }

    /**
     * Starts a simulator whose rate limits, and the times of its {@link #chatOutcomes(String) outcomes}, follow
     * {@code nanoTime} (read like {@link System#nanoTime()}) instead of the system clock, so that a test can move time
     * on without sleeping. Latency and hangs still take real time. {@code port} 0 picks a free port.
     */
    public static LlmSimulator start(int port, LongSupplier nanoTime) {
        return new LlmSimulator(port, Objects.requireNonNull(nanoTime, "'nanoTime' must not be null"));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port}: add {@code /v1} for OpenAI and Anthropic base URLs, {@code /v1beta} for Gemini. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public LlmSimulator configure(String model, ModelBehaviour behaviour) {
        behaviours.put(model, behaviour);
        return this;
    }

    /** The behaviour of models that were not configured by name. */
    public LlmSimulator configureDefault(ModelBehaviour behaviour) {
        defaultBehaviour = behaviour;
        return this;
    }

    public ModelBehaviour defaultBehaviour() {
        return defaultBehaviour;
    }

    public ModelBehaviour behaviour(String model) {
        return behaviours.getOrDefault(model, defaultBehaviour);
    }

    /** The next {@code times} calls to {@code model} answer {@code status} (4xx or 5xx) in the provider's format. */
    public LlmSimulator failNext(String model, int status, int times) {
        return failNext(model, status, "simulated error " + status, times);
    }

    /**
     * The next {@code times} calls to {@code model} answer {@code status} (4xx or 5xx) in the provider's format, with
     * {@code message} as the error's message in the body (a provider's words: hosts, request ids, key prefixes).
     */
    public LlmSimulator failNext(String model, int status, String message, int times) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("'status' must be a 4xx or 5xx, was " + status);
        }
        Deque<Fault> faults = scriptedFaults.computeIfAbsent(model, k -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) {
            faults.addLast(new Fault(status, 0, message));
        }
        return this;
    }

    /** The next {@code times} calls to {@code model} are throttled, saying to come back in {@code retryAfter}. */
    public LlmSimulator throttleNext(String model, Duration retryAfter, int times) {
        Deque<Fault> faults = scriptedFaults.computeIfAbsent(model, k -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) {
            faults.addLast(
                    new Fault(SCRIPTED_THROTTLE, (int) Math.clamp(retryAfter.toMillis(), 1, Integer.MAX_VALUE), null));
        }
        return this;
    }

    /**
     * The next {@code times} chat requests to {@code model} that are answered get {@code text} as the model's answer,
     * whatever its behaviour. The text is sent as it is, even when it is longer than the request's max tokens allow
     * (a tokenizer packs some text, such as {@code [[[[}, many characters to a token); its output tokens are counted
     * up to that limit. A request throttled or failed (scripted or by the behaviour's rates) leaves it for the next.
     */
    public LlmSimulator answerNext(String model, String text, int times) {
        Objects.requireNonNull(text, "'text' must not be null");
        Deque<String> answers = scriptedAnswers.computeIfAbsent(model, k -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) {
            answers.addLast(text);
        }
        return this;
    }

    /** Forgets configuration, faults, scripted answers, rate counts, counters and recordings (requests, outcomes). */
    public LlmSimulator reset() {
        behaviours.clear();
        counters.clear();
        scriptedFaults.clear();
        scriptedAnswers.clear();
        scriptPositions.clear();
        calls.clear();
        billed.clear();
        totalCalls.set(0);
        received.clear();
        synchronized (chatOutcomes) {
            chatOutcomes.clear();
        }
        defaultBehaviour = ModelBehaviour.DEFAULT;
        return this;
    }

    /** HTTP requests that reached {@code model}, whatever they were answered. */
    public long calls(String model) {
        AtomicLong count = calls.get(model);
        return count == null ? 0 : count.get();
    }

    public long totalCalls() {
        return totalCalls.get();
    }

    /** The most recent requests (up to 10,000), oldest first. */
    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    public List<ReceivedRequest> received(String model) {
        return received.stream().filter(r -> r.model().equals(model)).toList();
    }

    /**
     * How each chat request to {@code model} (not embeddings) was answered, in the order they arrived; a request is
     * listed once answered. The most recent million over all models are kept.
     */
    public List<ChatOutcome> chatOutcomes(String model) {
        List<Numbered> copy;
        synchronized (chatOutcomes) {
            copy = new ArrayList<>(chatOutcomes);
        }
        return copy.stream()
                .filter(n -> n.outcome().model().equals(model))
                .sorted(Comparator.comparingLong(Numbered::arrival))
                .map(Numbered::outcome)
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long receivedNanos = nanoTime.getAsLong();
        long arrival = arrivals.getAndIncrement();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = read(exchange.getRequestBody());
            WireFormat wire = wireFor(path);
            if (wire == null) {
                send(exchange, 404, Map.of(), "{\"error\":\"no such endpoint: " + path + "\"}");
                return;
            }
            JsonNode json;
            try {
                json = WireFormat.JSON.readTree(body.isEmpty() ? "{}" : body);
            } catch (IOException e) {
                WireFormat.Reply bad = wire.error(400, "request body is not JSON: " + e.getMessage());
                send(exchange, bad.status(), bad.headers(), bad.body());
                return;
            }
            boolean embeddings = path.endsWith("/embeddings") || path.endsWith("/invoke");
            String model = embeddings
                    ? embeddingModel(path, json)
                    : wire.parse(path, json).model();
            record(exchange, wire.provider(), model, path, body);
            WireFormat.Reply reply = embeddings ? embed(path, json, model) : chat(wire, path, json, model);
            if (!embeddings) {
                String outcome = outcomeOf(reply);
                outcomes.computeIfAbsent(outcome, k -> new java.util.concurrent.atomic.LongAdder())
                        .increment();
                if (outcome.equals("answered")) {
                    onAnswer.accept(model, body);
                }
                recordOutcome(
                        arrival,
                        new ChatOutcome(
                                model,
                                instantAt(receivedNanos),
                                instantAt(nanoTime.getAsLong()),
                                reply.status(),
                                outcome));
            }
            send(exchange, reply.status(), reply.headers(), reply.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String outcomeOf(WireFormat.Reply reply) {
        if (reply.status() == 200) {
            return reply.body().equals(MALFORMED_BODY) ? "malformed" : "answered";
        }
        return reply.status() == 429 ? "throttled" : reply.status() == 504 ? "hung" : "error " + reply.status();
    }

    private void recordOutcome(long arrival, ChatOutcome outcome) {
        synchronized (chatOutcomes) {
            chatOutcomes.addLast(new Numbered(arrival, outcome));
            while (chatOutcomes.size() > OUTCOMES_LIMIT) {
                chatOutcomes.pollFirst();
            }
        }
    }

    /** The instant a reading of the simulator's clock stands for. */
    private Instant instantAt(long nanos) {
        return origin.plusNanos(nanos - originNanos);
    }

    /** Chat requests by how they were answered: answered, malformed, throttled, hung, error 5xx / 4xx. */
    public Map<String, Long> outcomes() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Called with the model and the request body of every chat request answered with a usable completion. */
    public LlmSimulator onAnswer(java.util.function.BiConsumer<String, String> listener) {
        this.onAnswer = listener;
        return this;
    }

    private WireFormat.Reply chat(WireFormat wire, String path, JsonNode json, String model)
            throws InterruptedException {
        ModelBehaviour b = behaviour(model);
        WireFormat.Parsed request = wire.parse(path, json);
        Fault fault = nextFault(model);
        if (fault != null && fault.status() == SCRIPTED_THROTTLE) {
            long millis = fault.millis();
            return throttle(wire, Math.max(1, millis / 1000), Duration.ofMillis(millis), null, b);
        }
        if (fault != null) {
            return wire.error(fault.status(), fault.message());
        }
        Deque<String> answers = scriptedAnswers.get(model);
        String scripted = answers == null ? null : answers.pollFirst();
        WireFormat.Reply reply = answered(wire, model, b, request, json, scripted);
        if (scripted != null && !outcomeOf(reply).equals("answered")) {
            // Not answered after all: the next request gets it.
            answers.addFirst(scripted);
        }
        return reply;
    }

    private WireFormat.Reply answered(
            WireFormat wire, String model, ModelBehaviour b, WireFormat.Parsed request, JsonNode json, String scripted)
            throws InterruptedException {
        WireFormat.Answer answer = scripted != null ? verbatim(b, request, scripted) : answer(model, b, request, json);
        RateCounter counter = counters.compute(
                model,
                (k, c) -> c != null && c.counting() == b.counting()
                        ? c
                        : b.counting().newCounter());
        RateCounter.Decision decision =
                counter.tryAdmit(nanoTime.getAsLong(), b.rpm(), b.tpm(), answer.inputTokens() + answer.outputTokens());
        if (!decision.admitted()) {
            return throttle(wire, decision.retryAfterSeconds(), Duration.ofNanos(decision.resetNanos()), decision, b);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < b.hangRate()) {
            Thread.sleep(b.hangFor());
            return wire.error(504, "simulated hang");
        }
        Thread.sleep(b.latency().sample(random));
        if (random.nextDouble() < b.errorRate()) {
            int status = random.nextBoolean() ? 500 : 503;
            return wire.error(status, "simulated error " + status);
        }
        Map<String, String> headers = limitHeaders(wire.provider(), b, decision);
        if (random.nextDouble() < b.malformedRate()) {
            return new WireFormat.Reply(200, headers, MALFORMED_BODY);
        }
        billed.computeIfAbsent(model, k -> new Usage()).add(answer);
        return new WireFormat.Reply(200, headers, wire.success(model, answer));
    }

    /**
     * What the simulator told callers they used, summed over the chat answers it sent {@code model} (a malformed
     * body carries no usage and is not counted): the provider's side of a bill.
     *
     * @param cachedInput input tokens reported as read from the prompt cache, included in {@code input}
     */
    public record Billed(long answers, long input, long output, long cachedInput) {}

    public Billed billed(String model) {
        Usage u = billed.get(model);
        return u == null
                ? new Billed(0, 0, 0, 0)
                : new Billed(u.answers.sum(), u.input.sum(), u.output.sum(), u.cached.sum());
    }

    private static final class Usage {
        final java.util.concurrent.atomic.LongAdder answers = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder input = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder output = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder cached = new java.util.concurrent.atomic.LongAdder();

        void add(WireFormat.Answer a) {
            answers.increment();
            input.add(a.inputTokens());
            output.add(a.outputTokens());
            cached.add(a.cachedTokens());
        }
    }

    /** {@code text} as the answer, uncut, its output tokens counted up to the request's max tokens. */
    private static WireFormat.Answer verbatim(ModelBehaviour b, WireFormat.Parsed request, String text) {
        long output = Math.max(1, (text.length() + 3) / 4);
        if (request.maxTokens() > 0) {
            output = Math.min(output, request.maxTokens());
        }
        long input = request.inputTokens();
        return new WireFormat.Answer(text, input, output, Math.min(b.cachedInputTokens(), input), "stop");
    }

    private WireFormat.Answer answer(String model, ModelBehaviour b, WireFormat.Parsed request, JsonNode body) {
        String text = switch (b.mode()) {
            case ECHO -> request.lastUserMessage();
            case EXTRACTIVE -> {
                String prose = extractor.answer(String.join("\n\n", request.userMessages()));
                // Asked for JSON (JSON mode, a schema or the prompt), a model answers JSON with the fields asked for.
                yield StructuredOutput.requested(body, request)
                        .map(fields -> StructuredOutput.answer(fields, request, prose))
                        .orElse(prose);
            }
            case SCRIPTED ->
                b.script().isEmpty()
                        ? ""
                        : b.script()
                                .get(Math.floorMod(
                                        scriptPositions
                                                .computeIfAbsent(model, k -> new AtomicInteger())
                                                .getAndIncrement(),
                                        b.script().size()));
        };
        long output = Math.max(1, (text.length() + 3) / 4);
        String finish = "stop";
        if (request.maxTokens() > 0 && output > request.maxTokens()) {
            text = text.substring(0, Math.min(text.length(), request.maxTokens() * 4));
            output = request.maxTokens();
            finish = "length";
        }
        long input = request.inputTokens();
        return new WireFormat.Answer(text, input, output, Math.min(b.cachedInputTokens(), input), finish);
    }

    /** A 429 saying to come back in {@code retryAfterSeconds}; OpenAI's also says the precise {@code wait} in ms. */
    private WireFormat.Reply throttle(
            WireFormat wire, long retryAfterSeconds, Duration wait, RateCounter.Decision decision, ModelBehaviour b) {
        WireFormat.Reply reply = wire.throttled(
                retryAfterSeconds, "Rate limit reached: please try again in " + retryAfterSeconds + "s.");
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        if (decision != null) {
            headers.putAll(limitHeaders(wire.provider(), b, decision));
        }
        if (wire.provider() != Provider.GEMINI) {
            headers.put("retry-after", Long.toString(retryAfterSeconds));
        }
        if (wire.provider() == Provider.OPENAI) {
            long millis = Math.max(1, Math.ceilDiv(wait.toNanos(), 1_000_000L));
            headers.put("retry-after-ms", Long.toString(millis));
        }
        return new WireFormat.Reply(reply.status(), headers, reply.body());
    }

    /** The limit headers OpenAI and Anthropic send with every answer, when the model has limits. */
    private Map<String, String> limitHeaders(Provider provider, ModelBehaviour b, RateCounter.Decision d) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (b.rpm() == 0 && b.tpm() == 0) {
            return headers;
        }
        Duration reset = Duration.ofNanos(d.resetNanos());
        if (provider == Provider.OPENAI) {
            if (b.rpm() > 0) {
                headers.put("x-ratelimit-limit-requests", Long.toString(b.rpm()));
                headers.put("x-ratelimit-remaining-requests", Long.toString(d.remainingRequests()));
                headers.put("x-ratelimit-reset-requests", openAiDuration(reset));
            }
            if (b.tpm() > 0) {
                headers.put("x-ratelimit-limit-tokens", Long.toString(b.tpm()));
                headers.put("x-ratelimit-remaining-tokens", Long.toString(d.remainingTokens()));
                headers.put("x-ratelimit-reset-tokens", openAiDuration(reset));
            }
        } else if (provider == Provider.ANTHROPIC) {
            String at = instantAt(nanoTime.getAsLong()).plus(reset).toString();
            if (b.rpm() > 0) {
                headers.put("anthropic-ratelimit-requests-limit", Long.toString(b.rpm()));
                headers.put("anthropic-ratelimit-requests-remaining", Long.toString(d.remainingRequests()));
                headers.put("anthropic-ratelimit-requests-reset", at);
            }
            if (b.tpm() > 0) {
                for (String kind : List.of("tokens", "input-tokens", "output-tokens")) {
                    headers.put("anthropic-ratelimit-" + kind + "-limit", Long.toString(b.tpm()));
                    headers.put("anthropic-ratelimit-" + kind + "-remaining", Long.toString(d.remainingTokens()));
                    headers.put("anthropic-ratelimit-" + kind + "-reset", at);
                }
            }
        }
        return headers;
    }

    /** OpenAI writes resets as {@code 1s}, {@code 6m0s} or {@code 120ms}. */
    static String openAiDuration(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = (long) Math.ceil(d.toMillis() / 1000.0);
        return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    private WireFormat.Reply embed(String path, JsonNode json, String model) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = path.endsWith("/invoke") ? json.path("inputText") : json.path("input");
        if (input.isArray()) {
            input.forEach(n -> inputs.add(n.asText()));
        } else {
            inputs.add(input.asText());
        }
        int dims = json.path("dimensions").asInt(path.endsWith("/invoke") ? 1024 : 1536);
        long tokens = inputs.stream()
                .mapToLong(s -> Math.max(1, (s.length() + 3) / 4))
                .sum();
        ObjectNode root = WireFormat.object();
        if (path.endsWith("/invoke")) {
            float[] v = Embeddings.embed(inputs.getFirst(), dims);
            var array = root.putArray("embedding");
            for (float x : v) {
                array.add(x);
            }
            root.put("inputTextTokenCount", tokens);
            return new WireFormat.Reply(200, Map.of(), WireFormat.write(root));
        }
        root.put("object", "list").put("model", model);
        var data = root.putArray("data");
        for (int i = 0; i < inputs.size(); i++) {
            var item = data.addObject().put("object", "embedding").put("index", i);
            var array = item.putArray("embedding");
            for (float x : Embeddings.embed(inputs.get(i), dims)) {
                array.add(x);
            }
        }
        root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new WireFormat.Reply(200, Map.of(), WireFormat.write(root));
    }

    private static String embeddingModel(String path, JsonNode json) {
        if (path.endsWith("/invoke")) {
            int start = path.indexOf("/model/") + "/model/".length();
            return path.substring(start, path.length() - "/invoke".length());
        }
        return json.path("model").asText("");
    }

    /** A scripted answer: an error status with its message, or {@link #SCRIPTED_THROTTLE} for a wait. */
    private record Fault(int status, int millis, String message) {}

    private Fault nextFault(String model) {
        Deque<Fault> faults = scriptedFaults.get(model);
        return faults == null ? null : faults.pollFirst();
    }

    private void record(HttpExchange exchange, Provider provider, String model, String path, String body) {
        calls.computeIfAbsent(model, k -> new AtomicLong()).incrementAndGet();
        totalCalls.incrementAndGet();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        received.addLast(
                new ReceivedRequest(provider, model, exchange.getRequestMethod(), path, headers, body, Instant.now()));
        while (received.size() > RECORDED_LIMIT) {
            received.pollFirst();
        }
    }

    private static final WireFormat OPENAI = new OpenAiWire();
    private static final WireFormat ANTHROPIC = new AnthropicWire();
    private static final WireFormat BEDROCK = new BedrockWire();
    private static final WireFormat GEMINI = new GeminiWire();
    private static final WireFormat OLLAMA = new OllamaWire();

    private static WireFormat wireFor(String path) {
        if (path.endsWith("/chat/completions") || path.endsWith("/embeddings")) {
            return OPENAI;
        }
        if (path.endsWith("/messages")) {
            return ANTHROPIC;
        }
        if (path.endsWith("/api/chat")) {
            return OLLAMA;
        }
        if (path.endsWith(":generateContent")) {
            return GEMINI;
        }
        if (BedrockWire.PATH.matcher(path).matches() || (path.startsWith("/model/") && path.endsWith("/invoke"))) {
            return BEDROCK;
        }
        return null;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var out = exchange.getResponseHeaders();
        out.set("content-type", "application/json");
        out.set("x-request-id", UUID.randomUUID().toString());
        headers.forEach(out::set);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }
}
