package dev.sluice.adapter.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.adapter.llm.resilience.ResilienceSettings;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.emulators.llm.ReceivedRequest;
import dev.sluice.emulators.llm.ResponseMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LanguageModel} adapter must do, proven against the provider simulator speaking that provider's
 * wire format, through the factory's full stack (routing, retries, circuit breaker, time limit).
 */
public abstract class LanguageModelContract {
    protected static final String API_KEY = "sk-test-0123456789";
    private static final AtomicInteger MODELS = new AtomicInteger();

    /**
     * Three attempts, short backoffs, a breaker that opens after four failures of four. The time limit is generous
     * because a cold JVM's first call loads the whole client stack; the slow-answer case sets its own.
     */
    protected static final ResilienceSettings SETTINGS = ResilienceSettings.DEFAULTS
            .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5))
            .withCallTimeout(Duration.ofSeconds(15))
            .withBreaker(4, 4, 50f, Duration.ofMinutes(1));

    protected final LlmSimulator simulator = SharedSimulator.get();

    /** The provider name as configuration writes it. */
    protected abstract String provider();

    /** The options that point this provider's client at the simulator. */
    protected abstract Map<String, String> options(URI endpoint);

    protected abstract Class<? extends LanguageModel> adapterType();

    /** Whether the wire format reports input tokens served from the provider's cache. */
    protected abstract boolean reportsCachedInput();

    /** The request carried the credentials this provider expects. */
    protected abstract void assertAuthenticated(ReceivedRequest request);

    /**
     * The account's limits this provider's answers state when the simulator's model has {@code rpm} and
     * {@code tpm} ({@code 0}: none), as the adapter must report them; {@link ProviderLimits#NONE} for a provider
     * whose wire format says nothing.
     */
    protected abstract ProviderLimits reportedFor(long rpm, long tpm);

    protected ModelSpec spec(String modelId) {
        return new ModelSpec(
                "alias-" + modelId,
                provider(),
                modelId,
                0.2,
                256,
                RateLimits.NONE,
                Prices.FREE,
                List.of(),
                options(simulator.endpoint()));
    }

    protected String newModelId() {
        return provider() + "-model-" + MODELS.incrementAndGet();
    }

    private LanguageModel model(ModelSpec spec, ResilienceSettings settings) {
        return LanguageModels.create(
                List.of(spec), name -> name.equals("sluice/test") ? Optional.of(API_KEY) : Optional.empty(), settings);
    }

    private static ModelCall call(ModelSpec spec, String system, String prompt) {
        return new ModelCall(spec, system, prompt, CorrelationId.random());
    }

    @Test
    void theFactoryBuildsThisProvidersAdapter() {
        assertThat(LanguageModels.client(spec(newModelId()), Optional.of(API_KEY), Duration.ofSeconds(1)))
                .isInstanceOf(adapterType());
    }

    @Test
    void answersWithTextUsageModelIdFinishReasonAndRawBody() {
        String id = newModelId();
        simulator.configure(
                id,
                ModelBehaviour.DEFAULT
                        .withScript("Paris is the capital of France.")
                        .withCachedInputTokens(3));
        ModelSpec spec = spec(id);
        String system = "Answer briefly.";
        String prompt = "What is the capital of France?";

        Completion completion = model(spec, SETTINGS).complete(call(spec, system, prompt));

        assertThat(completion.text()).isEqualTo("Paris is the capital of France.");
        assertThat(completion.modelId()).isEqualTo(id);
        assertThat(completion.finishReason()).isEqualTo("stop");
        long expectedInput = (system.length() + prompt.length() + 3) / 4;
        assertThat(completion.usage().input()).isEqualTo(expectedInput);
        assertThat(completion.usage().output()).isEqualTo(("Paris is the capital of France.".length() + 3) / 4);
        assertThat(completion.usage().cachedInput()).isEqualTo(reportsCachedInput() ? 3 : 0);
        assertThat(completion.raw()).contains("Paris is the capital of France.");
        assertThat(completion.reported()).isEqualTo(ProviderLimits.NONE);
        ReceivedRequest received = simulator.received(id).getLast();
        assertThat(received.body()).contains(prompt).contains(system);
        assertAuthenticated(received);
        assertThat(simulator.calls(id)).isEqualTo(1);
    }

    @Test
    void anAnswerCarriesTheAccountsLimitsAsTheProviderStatesThem() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withLimits(600, 150_000));
        ModelSpec spec = spec(id);

        Completion completion = model(spec, SETTINGS).complete(call(spec, "", "hello"));

        assertThat(completion.reported()).isEqualTo(reportedFor(600, 150_000));
    }

    @Test
    void aRequestLimitAloneIsReportedAlone() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withLimits(42, 0));
        ModelSpec spec = spec(id);

        Completion completion = model(spec, SETTINGS).complete(call(spec, "", "hello"));

        assertThat(completion.reported()).isEqualTo(reportedFor(42, 0));
    }

    @Test
    void aTruncatedAnswerReportsLengthAsItsFinishReason() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withScript("word ".repeat(400)));
        ModelSpec spec = spec(id);

        Completion completion = model(spec, SETTINGS).complete(call(spec, "", "Talk at length."));

        assertThat(completion.finishReason()).isEqualTo("length");
        assertThat(completion.usage().output()).isEqualTo(256);
    }

    @Test
    void anExtractiveSimulatorAnswersFromTheNumberedContext() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withMode(ResponseMode.EXTRACTIVE));
        ModelSpec spec = spec(id);
        String prompt = "Context:\n[1] Sluice admits work at the rate providers allow. It never loses a job.\n\n"
                + "[2] The dispatcher answers 202 with the job id.\n\nQuestion: What does the dispatcher answer?";

        Completion completion = model(spec, SETTINGS).complete(call(spec, "Answer only from the context.", prompt));

        assertThat(completion.text()).isEqualTo("The dispatcher answers 202 with the job id. [2]");
    }

    /**
     * The raw body and the limits reach the trace with the completion they belong to: calls made at once on many
     * threads of one client each get their own answer's raw body, never another call's.
     */
    @Test
    void callsAtOnceEachCarryTheirOwnRawResponse() throws Exception {
        String id = newModelId();
        simulator.configure(
                id,
                ModelBehaviour.DEFAULT
                        .withMode(ResponseMode.EXTRACTIVE)
                        .withLatency(dev.sluice.emulators.llm.Latency.fixed(Duration.ofMillis(20))));
        ModelSpec spec = spec(id);
        LanguageModel model = model(spec, SETTINGS);
        int calls = 24;
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Completion>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int n = i;
                String fact = "Ticket " + n + " is owned by team number " + (1000 + n) + ".";
                answers.add(threads.submit(() -> model.complete(call(
                        spec,
                        "Answer only from the context.",
                        "Context:\n[1] " + fact + "\n\nQuestion: Which team number owns ticket " + n + "?"))));
            }
            for (int i = 0; i < calls; i++) {
                Completion completion = answers.get(i).get();
                assertThat(completion.text()).contains("team number " + (1000 + i));
                assertThat(completion.raw()).as("call %d's raw body", i).contains("team number " + (1000 + i));
                for (int j = 0; j < calls; j++) {
                    if (j != i) {
                        assertThat(completion.raw()).doesNotContain("team number " + (1000 + j));
                    }
                }
            }
        }
    }

    @Test
    void aThrottledCallCarriesTheProvidersRetryAfterAndIsNotRetried() {
        String id = newModelId();
        simulator.throttleNext(id, Duration.ofSeconds(7), 1);
        ModelSpec spec = spec(id);

        ThrottledException e = catchThrowableOfType(
                ThrottledException.class, () -> model(spec, SETTINGS).complete(call(spec, "", "hello")));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.reported()).isEqualTo(ProviderLimits.NONE);
        assertThat(e.getCause()).isNotNull();
        assertThat(simulator.calls(id)).isEqualTo(1);
    }

    @Test
    void theSimulatorsOwnRequestLimitThrottlesWithItsRetryAfterAndTheReportedLimits() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withLimits(1, 100_000));
        ModelSpec spec = spec(id);
        LanguageModel model = model(spec, SETTINGS);
        Completion first = model.complete(call(spec, "", "first"));

        ThrottledException e =
                catchThrowableOfType(ThrottledException.class, () -> model.complete(call(spec, "", "second")));

        // The wait the simulator states: retry-after in seconds, OpenAI's retry-after-ms to the millisecond, or
        // Gemini's RetryInfo.retryDelay.
        assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
        assertThat(first.reported()).isEqualTo(reportedFor(1, 100_000));
        assertThat(e.reported()).isEqualTo(reportedFor(1, 100_000));
        assertThat(simulator.calls(id)).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedUpToThePolicyThenTransient() {
        String id = newModelId();
        simulator.failNext(id, 500, 10);
        ModelSpec spec = spec(id);

        assertThatThrownBy(() -> model(spec, SETTINGS).complete(call(spec, "", "hello")))
                .isExactlyInstanceOf(TransientException.class)
                .hasCauseInstanceOf(RuntimeException.class)
                .hasMessageContaining("500")
                .satisfies(e -> {
                    assertThat(((TransientException) e).kind()).isEqualTo(FailureKind.SERVER_ERROR);
                    assertThat(((TransientException) e).status()).hasValue(500);
                });
        assertThat(simulator.calls(id)).isEqualTo(SETTINGS.maxAttempts());
    }

    @Test
    void aServerErrorFollowedBySuccessAnswers() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withScript("recovered"));
        simulator.failNext(id, 503, 1);
        ModelSpec spec = spec(id);

        assertThat(model(spec, SETTINGS).complete(call(spec, "", "hello")).text())
                .isEqualTo("recovered");
        assertThat(simulator.calls(id)).isEqualTo(2);
    }

    @Test
    void aBadRequestIsPermanentAndNotRetried() {
        String id = newModelId();
        simulator.failNext(id, 400, "rejected by internal-host-10.0.0.7 key sk-live-123", 1);
        ModelSpec spec = spec(id);

        PermanentException e = catchThrowableOfType(
                PermanentException.class, () -> model(spec, SETTINGS).complete(call(spec, "", "hello")));

        assertThat(e).hasCauseInstanceOf(RuntimeException.class);
        // What a tenant may be told, and, for the operator only, what the provider said.
        assertThat(e.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(e.status()).hasValue(400);
        assertThat(e).hasMessageContaining("400").hasMessageContaining("sk-live-123");
        assertThat(simulator.calls(id)).isEqualTo(1);
    }

    @Test
    void badCredentialsArePermanentAndNotRetried() {
        String id = newModelId();
        simulator.failNext(id, 401, 1);
        ModelSpec spec = spec(id);

        PermanentException e = catchThrowableOfType(
                PermanentException.class, () -> model(spec, SETTINGS).complete(call(spec, "", "hello")));

        assertThat(e.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        // Bedrock answers bad credentials with a 403, as AWS does.
        assertThat(e.status().orElseThrow()).isIn(401, 403);
        assertThat(simulator.calls(id)).isEqualTo(1);
    }

    @Test
    void aSlowAnswerTimesOutAsTransientWithinTheTimeLimit() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withLatency(Latency.fixed(Duration.ofSeconds(3))));
        ModelSpec spec = spec(id);
        ResilienceSettings settings = SETTINGS.withCallTimeout(Duration.ofMillis(300))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(5));
        LanguageModel model = model(spec, settings);
        long started = System.nanoTime();

        assertThatThrownBy(() -> model.complete(call(spec, "", "hello")))
                .isExactlyInstanceOf(TransientException.class)
                .satisfies(e -> assertThat(((TransientException) e).kind()).isEqualTo(FailureKind.TIMEOUT));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
        assertThat(simulator.calls(id)).isEqualTo(2);
    }

    @Test
    void aMalformedBodyIsTransient() {
        String id = newModelId();
        simulator.configure(id, ModelBehaviour.DEFAULT.withMalformedRate(1));
        ModelSpec spec = spec(id);

        assertThatThrownBy(() -> model(spec, SETTINGS).complete(call(spec, "", "hello")))
                .isExactlyInstanceOf(TransientException.class);
        assertThat(simulator.calls(id)).isEqualTo(SETTINGS.maxAttempts());
    }

    @Test
    void anOpenCircuitRefusesAtOnceWithoutCallingTheProvider() {
        String id = newModelId();
        simulator.failNext(id, 500, 100);
        ModelSpec spec = spec(id);
        LanguageModel model = model(spec, SETTINGS);
        assertThatThrownBy(() -> model.complete(call(spec, "", "one"))).isInstanceOf(TransientException.class);
        // The fourth failure opens the breaker: the second call's retry is refused by the open circuit.
        assertThatThrownBy(() -> model.complete(call(spec, "", "two"))).isInstanceOf(CircuitOpenException.class);
        long callsSoFar = simulator.calls(id);
        long started = System.nanoTime();

        assertThatThrownBy(() -> model.complete(call(spec, "", "three")))
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("circuit open");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
        assertThat(callsSoFar).isEqualTo(4);
        assertThat(simulator.calls(id)).isEqualTo(callsSoFar);
    }

    @Test
    void anUnconfiguredAliasIsPermanent() {
        ModelSpec configured = spec(newModelId());
        ModelSpec other = new ModelSpec(
                "nobody",
                provider(),
                "x",
                0,
                10,
                RateLimits.NONE,
                Prices.FREE,
                List.of(),
                options(simulator.endpoint()));

        assertThatThrownBy(() -> model(configured, SETTINGS).complete(call(other, "", "hello")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("nobody");
    }
}
