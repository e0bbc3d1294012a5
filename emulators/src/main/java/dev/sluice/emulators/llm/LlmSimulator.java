package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A local LLM provider on 127.0.0.1 that speaks, as the providers' official clients read them, OpenAI chat
 * completions and embeddings, Anthropic messages, Bedrock Runtime Converse, ConverseStream and InvokeModel (chat in
 * the model family's shape, Titan and Cohere embeddings), Gemini generateContent, streamGenerateContent and
 * embeddings, and Ollama chat and embeddings, streamed where the request asks, over HTTP/1.1 and cleartext HTTP/2. Each
 * model has its latency, limits (counted as its {@link RateCounting} says, embeddings included), faults and answers. It
 * records every request, counts calls per model and keeps how each chat request was answered ({@link
 * #chatOutcomes(String)}).
 */
public final class LlmSimulator implements AutoCloseable {
    private static final int RECORDED_LIMIT = 10_000;
    private static final int OUTCOMES_LIMIT = 1_000_000;
    private static final int SCRIPTED_THROTTLE = 0;

    /** The most pieces a streamed answer is cut into; the latency is spread over them. */
    private static final int STREAM_PIECES = 8;

    private final SimulatorServer server;
    private final Map<String, ModelBehaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, ModelCounters> counters = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> scriptedFaults = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> scriptedAnswers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> scriptPositions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, Usage> billed = new ConcurrentHashMap<>();
    /** A 200 whose body stops mid-JSON, as a connection cut during the response would leave it. */
    private static final String MALFORMED_BODY = "{\"id\":\"simulated-malformed\",\"choi";

    private final AtomicLong totalCalls = new AtomicLong();
    private final Deque<ReceivedRequest> received = new ConcurrentLinkedDeque<>();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
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
        this.batches = new BatchApis(this::batchLine, java.time.Clock.systemUTC());
        this.bedrockBatches = new BedrockBatches(
                (modelId, body) ->
                        batchAnswer(new BedrockInvokeWire(BedrockInvokeWire.familyOf(modelId)), modelId, body),
                java.time.Clock.systemUTC(),
                batches::processingDelay,
                batches::takeExpiring);
        this.server = new SimulatorServer(port, this::serve);
    }

    private final BatchApis batches;
    private final BedrockBatches bedrockBatches;

    /** Bedrock's least number of records in a batch inference job (100, as Bedrock, until {@link #reset}). */
    public LlmSimulator bedrockBatchMinimumRecords(int records) {
        bedrockBatches.minimumRecords(records);
        return this;
    }

    /** Where Bedrock's batch inference (model invocation jobs) reads input and writes output: the caller's S3. */
    public LlmSimulator bedrockBatchStorage(BatchStorage storage) {
        bedrockBatches.storage(storage);
        return this;
    }

    /**
     * How long a batch (OpenAI's Batch API, Anthropic's Message Batches) takes to end after it is created; until then
     * it reads as in progress (default: ended at the first look).
     */
    public LlmSimulator batchProcessing(Duration after) {
        batches.processing(after);
        return this;
    }

    /** The next {@code times} batches created expire instead of being answered. */
    public LlmSimulator expireNextBatches(int times) {
        batches.expireNext(times);
        return this;
    }

    /**
     * One request of a batch, answered as the live endpoint would answer it, without its rate limits and latency: the
     * model's behaviour, scripted answers and scripted faults (a fault is the line's error).
     */
    private BatchApis.Line batchLine(Provider provider, JsonNode body) {
        return batchAnswer(wireOf(provider), "", body);
    }

    private BatchApis.Line batchAnswer(WireFormat wire, String pathModel, JsonNode body) {
        WireFormat.Parsed request = wire.parse(pathModel, body);
        String model = request.model();
        calls.computeIfAbsent(model, k -> new AtomicLong()).incrementAndGet();
        totalCalls.incrementAndGet();
        ModelBehaviour b = behaviour(model);
        WireFormat.Reply faulted = scriptedFault(wire, model, b);
        try {
            if (faulted != null) {
                outcomes.computeIfAbsent("batch error " + faulted.status(), k -> new LongAdder())
                        .increment();
                return new BatchApis.Line(faulted.status(), WireFormat.JSON.readTree(faulted.body()));
            }
            Deque<String> answers = scriptedAnswers.get(model);
            String scripted = answers == null ? null : answers.pollFirst();
            WireFormat.Answer answer =
                    scripted != null ? verbatim(b, request, scripted) : answer(model, b, request, body);
            billed.computeIfAbsent(model, k -> new Usage()).add(answer);
            outcomes.computeIfAbsent("batch answered", k -> new LongAdder()).increment();
            return new BatchApis.Line(200, WireFormat.JSON.readTree(wire.success(model, answer)));
        } catch (IOException e) {
            throw new IllegalStateException("the simulator wrote a body it cannot read", e);
        }
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
        return server.port();
    }

    /**
     * {@code http://127.0.0.1:port}: the base URL of the official Anthropic and Gemini clients and the AWS SDK's
     * endpoint override as it is; add {@code /v1} for OpenAI's (and LangChain4j's Anthropic), {@code /v1beta} for
     * LangChain4j's Gemini.
     */
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

    /**
     * The next {@code times} calls to {@code model} are throttled, saying to come back in {@code retryAfter}; when the
     * model has limits, the 429 carries their headers, spent until then.
     */
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
        batches.reset();
        bedrockBatches.reset();
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
        server.close();
    }

    private void serve(SimulatorServer.Exchange exchange) throws IOException, InterruptedException {
        long receivedNanos = nanoTime.getAsLong();
        long arrival = arrivals.getAndIncrement();
        String body = exchange.body();
        Optional<WireFormat.Reply> batch = batches.serve(
                        exchange.method(), exchange.rawPath(), exchange.headers(), body)
                .or(() -> bedrockBatches.serve(exchange.method(), exchange.rawPath(), body));
        if (batch.isPresent()) {
            // Managing a batch is no model call: only its lines count, when it ends.
            Provider provider = exchange.rawPath().startsWith("/v1/messages/")
                    ? Provider.ANTHROPIC
                    : exchange.rawPath().startsWith("/model-invocation-job") ? Provider.BEDROCK : Provider.OPENAI;
            send(exchange, wireOf(provider), batch.get());
            return;
        }
        Routes.Route route;
        switch (Routes.match(exchange.method(), exchange.rawPath(), exchange.headers())) {
            case Routes.NotFound nf -> {
                WireFormat wire = wireOf(nf.provider());
                send(exchange, wire, wire.notFound(exchange.method(), exchange.path()));
                return;
            }
            case Routes.WrongMethod wm -> {
                WireFormat wire = wireOf(wm.provider());
                send(exchange, wire, wire.methodNotAllowed(exchange.method(), exchange.path()));
                return;
            }
            case Routes.Found found -> route = found.route();
        }
        JsonNode json;
        try {
            json = WireFormat.JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            WireFormat wire = wireOf(route.provider());
            send(exchange, wire, wire.error(400, "request body is not JSON: " + e.getMessage()));
            return;
        }
        WireFormat wire = wireFor(route, exchange);
        if (EmbeddingShapes.embeds(route, json)) {
            EmbeddingShapes.Request request = EmbeddingShapes.parse(route, json);
            record(exchange, route.provider(), request.model(), body);
            send(exchange, wire, embed(wire, request, route, json));
            return;
        }
        WireFormat.Parsed request = wire.parse(route.model(), json);
        String model = request.model();
        record(exchange, route.provider(), model, body);
        boolean streaming = route.kind() == Routes.Kind.CHAT_STREAM || wire.streams(json);
        Served served = chat(wire, request, json, model, streaming);
        Runnable outcome = () -> {
            String said = served.outcome();
            outcomes.computeIfAbsent(said, k -> new LongAdder()).increment();
            if (said.equals("answered")) {
                onAnswer.accept(model, body);
            }
            recordOutcome(
                    arrival,
                    new ChatOutcome(
                            model, instantAt(receivedNanos), instantAt(nanoTime.getAsLong()), served.status(), said));
        };
        switch (served) {
            case Replied r -> {
                outcome.run();
                send(exchange, wire, r.reply());
            }
            case Streamed st -> stream(exchange, wire, st, outcome);
        }
    }

    /** A chat request served: one reply, or a stream of frames with the latency still to spread over them. */
    private sealed interface Served {
        String outcome();

        int status();
    }

    private record Replied(WireFormat.Reply reply) implements Served {
        @Override
        public String outcome() {
            return outcomeOf(reply);
        }

        @Override
        public int status() {
            return reply.status();
        }
    }

    private record Streamed(Map<String, String> headers, WireFormat.Stream stream, Duration spread, boolean malformed)
            implements Served {
        @Override
        public String outcome() {
            return malformed ? "malformed" : "answered";
        }

        @Override
        public int status() {
            return 200;
        }
    }

    /**
     * Writes the frames with the latency spread between them, the outcome recorded before the last; a malformed
     * stream stops halfway through its first frame.
     */
    private static void stream(SimulatorServer.Exchange exchange, WireFormat wire, Streamed st, Runnable outcome)
            throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>(wire.requestId());
        headers.putAll(st.headers());
        headers.put("content-type", st.stream().contentType());
        exchange.begin(200, headers);
        List<byte[]> frames = st.stream().frames();
        if (st.malformed()) {
            byte[] first = frames.getFirst();
            outcome.run();
            exchange.write(Arrays.copyOf(first, Math.max(1, first.length / 2)));
            exchange.end();
            return;
        }
        long gap = st.spread().toNanos() / Math.max(1, frames.size() - 1);
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0 && gap > 0) {
                Thread.sleep(Duration.ofNanos(gap));
            }
            if (i == frames.size() - 1) {
                outcome.run();
            }
            exchange.write(frames.get(i));
        }
        exchange.end();
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

    private Served chat(WireFormat wire, WireFormat.Parsed request, JsonNode json, String model, boolean streaming)
            throws InterruptedException {
        ModelBehaviour b = behaviour(model);
        WireFormat.Reply faulted = scriptedFault(wire, model, b);
        if (faulted != null) {
            return new Replied(faulted);
        }
        Deque<String> answers = scriptedAnswers.get(model);
        String scripted = answers == null ? null : answers.pollFirst();
        WireFormat.Answer answer = scripted != null ? verbatim(b, request, scripted) : answer(model, b, request, json);
        List<String> pieces = streaming ? pieces(answer.text()) : List.of();
        Gate gate = admit(wire, model, b, answer.inputTokens(), answer.outputTokens(), 1.0 / (pieces.size() + 1));
        Served served = switch (gate) {
            case Refused r -> new Replied(r.reply());
            case Admitted a
            when streaming ->
                new Streamed(a.headers(), wire.stream(model, answer, pieces, json), a.rest(), a.malformed());
            case Admitted a ->
                new Replied(new WireFormat.Reply(
                        200, a.headers(), a.malformed() ? MALFORMED_BODY : wire.success(model, answer)));
        };
        if (gate instanceof Admitted a && !a.malformed()) {
            // What the answer told the caller it used: a malformed body carries no usage.
            billed.computeIfAbsent(model, k -> new Usage()).add(answer);
        }
        if (scripted != null && !served.outcome().equals("answered")) {
            // Not answered after all: the next request gets it.
            answers.addFirst(scripted);
        }
        return served;
    }

    /** The text cut at word boundaries into at most {@link #STREAM_PIECES} pieces that concatenate to it. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int size = Math.max(1, Math.ceilDiv(text.length(), STREAM_PIECES));
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + size);
            int space = text.indexOf(' ', end);
            if (end < text.length() && space > 0 && space - end < size / 2) {
                end = space + 1;
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** Whether a call may go on, after the model's limits, hangs, latency and random faults have had their say. */
    private sealed interface Gate {}

    private record Refused(WireFormat.Reply reply) implements Gate {}

    /** Admitted with these limit headers; {@code rest} is the latency not yet waited out. */
    private record Admitted(Map<String, String> headers, Duration rest, boolean malformed) implements Gate {}

    /** A scripted fault or throttle for {@code model}'s next call, or null. */
    private WireFormat.Reply scriptedFault(WireFormat wire, String model, ModelBehaviour b) {
        Fault fault = nextFault(model);
        if (fault == null) {
            return null;
        }
        if (fault.status() == SCRIPTED_THROTTLE) {
            long millis = fault.millis();
            long seconds = Math.max(1, millis / 1000);
            long nanos = Duration.ofMillis(millis).toNanos();
            // As spent limits would say it: nothing left until the scripted wait is over.
            RateCounter.Decision spent = new RateCounter.Decision(false, seconds, 0, 0, nanos);
            return throttle(wire, seconds, Duration.ofMillis(millis), ModelCounters.Counted.of(spent), b);
        }
        return wire.error(fault.status(), fault.message());
    }

    /**
     * Counts a call of {@code tokens} against the model's limits, then hangs, waits {@code firstShare} of its latency
     * and fails as the behaviour's rates say: chat and embeddings alike.
     */
    private Gate admit(
            WireFormat wire, String model, ModelBehaviour b, long inputTokens, long outputTokens, double firstShare)
            throws InterruptedException {
        ModelCounters counter = counters.compute(
                model, (k, c) -> c != null && c.counting() == b.counting() ? c : new ModelCounters(b.counting()));
        ModelCounters.Counted decision = counter.tryAdmit(nanoTime.getAsLong(), b, inputTokens, outputTokens);
        if (!decision.admitted()) {
            RateCounter.Decision refusal = decision.refusal();
            Duration wait = Duration.ofNanos(refusal.resetNanos());
            return new Refused(throttle(wire, refusal.retryAfterSeconds(), wait, decision, b));
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < b.hangRate()) {
            Thread.sleep(b.hangFor());
            return new Refused(wire.error(504, "simulated hang"));
        }
        Duration latency = b.latency().sample(random);
        Duration first = Duration.ofNanos((long) (latency.toNanos() * firstShare));
        Thread.sleep(first);
        if (random.nextDouble() < b.errorRate()) {
            List<Integer> statuses = wire.serverFaults();
            int status = statuses.get(random.nextInt(statuses.size()));
            return new Refused(wire.error(status, "simulated error " + status));
        }
        return new Admitted(
                LimitHeaders.of(wire.provider(), b, decision, instantAt(nanoTime.getAsLong())),
                latency.minus(first),
                random.nextDouble() < b.malformedRate());
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
            WireFormat wire, long retryAfterSeconds, Duration wait, ModelCounters.Counted decision, ModelBehaviour b) {
        WireFormat.Reply reply = wire.throttled(
                retryAfterSeconds,
                "Rate limit reached: please try again in " + retryAfterSeconds + "s.",
                decision.refusal().byTokens());
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.putAll(LimitHeaders.of(wire.provider(), b, decision, instantAt(nanoTime.getAsLong())));
        // Gemini says its wait in the body's RetryInfo. Bedrock's ThrottlingException carries no retry-after (AWS
        // documents none and the service sends only x-amzn-RequestId and x-amzn-ErrorType): its clients back off on
        // their own.
        if (wire.provider() != Provider.GEMINI && wire.provider() != Provider.BEDROCK) {
            headers.put("retry-after", Long.toString(retryAfterSeconds));
        }
        if (wire.provider() == Provider.OPENAI) {
            long millis = Math.max(1, Math.ceilDiv(wait.toNanos(), 1_000_000L));
            headers.put("retry-after-ms", Long.toString(millis));
        }
        return new WireFormat.Reply(reply.status(), headers, reply.body());
    }

    /** An embedding request: through the model's limits, latency and faults as a chat is, then its vectors. */
    private WireFormat.Reply embed(WireFormat wire, EmbeddingShapes.Request request, Routes.Route route, JsonNode json)
            throws InterruptedException {
        if (request.dimensions() < 1 || request.dimensions() > 16_384) {
            return wire.error(400, "dimensions must be between 1 and 16384, was " + request.dimensions());
        }
        ModelBehaviour b = behaviour(request.model());
        WireFormat.Reply faulted = scriptedFault(wire, request.model(), b);
        if (faulted != null) {
            return faulted;
        }
        return switch (admit(wire, request.model(), b, request.tokens(), 0, 1)) {
            case Refused r -> r.reply();
            case Admitted a ->
                new WireFormat.Reply(
                        200,
                        a.headers(),
                        a.malformed() ? MALFORMED_BODY : EmbeddingShapes.render(route, request, json));
        };
    }

    /** A scripted answer: an error status with its message, or {@link #SCRIPTED_THROTTLE} for a wait. */
    private record Fault(int status, int millis, String message) {}

    private Fault nextFault(String model) {
        Deque<Fault> faults = scriptedFaults.get(model);
        return faults == null ? null : faults.pollFirst();
    }

    private void record(SimulatorServer.Exchange exchange, Provider provider, String model, String body) {
        calls.computeIfAbsent(model, k -> new AtomicLong()).incrementAndGet();
        totalCalls.incrementAndGet();
        received.addLast(new ReceivedRequest(
                provider,
                model,
                exchange.method(),
                exchange.path(),
                exchange.headers(),
                body,
                Instant.now(),
                exchange.protocol()));
        while (received.size() > RECORDED_LIMIT) {
            received.pollFirst();
        }
    }

    private static final Map<Provider, WireFormat> WIRES = Map.of(
            Provider.OPENAI, new OpenAiWire(),
            Provider.ANTHROPIC, new AnthropicWire(),
            Provider.BEDROCK, new BedrockWire(),
            Provider.GEMINI, new GeminiWire(true),
            Provider.OLLAMA, new OllamaWire());
    private static final WireFormat GEMINI_ARRAY = new GeminiWire(false);

    private static WireFormat wireOf(Provider provider) {
        return WIRES.get(provider);
    }

    /** The wire a matched route speaks: InvokeModel's chat is the model family's, Gemini streams SSE if asked. */
    private static WireFormat wireFor(Routes.Route route, SimulatorServer.Exchange exchange) {
        if (route.kind() == Routes.Kind.INVOKE) {
            return new BedrockInvokeWire(BedrockInvokeWire.familyOf(route.model()));
        }
        if (route.kind() == Routes.Kind.CHAT_STREAM
                && route.provider() == Provider.GEMINI
                && !exchange.hasQuery("alt", "sse")) {
            return GEMINI_ARRAY;
        }
        return wireOf(route.provider());
    }

    /** Sends {@code reply} as JSON unless it says otherwise, with the provider's request id. */
    private static void send(SimulatorServer.Exchange exchange, WireFormat wire, WireFormat.Reply reply)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        wire.requestId().forEach((name, value) -> {
            if (reply.headers().keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                headers.put(name, value);
            }
        });
        headers.putAll(reply.headers());
        exchange.send(reply.status(), headers, reply.body().getBytes(StandardCharsets.UTF_8));
    }
}
