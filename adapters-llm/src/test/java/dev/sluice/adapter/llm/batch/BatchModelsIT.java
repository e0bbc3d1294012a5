package dev.sluice.adapter.llm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.llm.SharedSimulator;
import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenAI's Batch API and Anthropic's Message Batches as sluice's batcher uses them, against the simulator that speaks
 * both: a window's calls sent as one batch, in progress until its time, then each line answered (with its usage) or
 * errored (worth another try or not, by its status), and an expired batch's lines left to go again.
 */
class BatchModelsIT {
    private static final LlmSimulator SIMULATOR = SharedSimulator.get();
    private static final String KEY = "sk-batch-test";

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
        SIMULATOR.batchProcessing(Duration.ZERO);
    }

    private static ModelSpec spec(String provider, String modelId) {
        String base = SIMULATOR.endpoint() + (provider.equals("openai") ? "/v1" : "/v1/");
        return new ModelSpec(
                provider + "-batch",
                provider,
                modelId,
                0.0,
                64,
                RateLimits.NONE,
                Prices.FREE,
                List.of(),
                Map.of("baseUrl", base, "apiKeySecret", "sluice/batch"),
                Optional.of(new BatchRoute(Duration.ofMinutes(5), Duration.ofHours(24), Prices.FREE)));
    }

    private static BatchModel batches(ModelSpec spec) {
        return BatchModels.create(List.of(spec), name -> Optional.of(KEY), Optional.empty(), Duration.ofSeconds(10));
    }

    private static Map<String, BatchModel.Result> byId(BatchModel.Status.Ended ended) {
        return ended.results().stream().collect(Collectors.toMap(BatchModel.Result::customId, Function.identity()));
    }

    private static String modelOf(String provider) {
        return provider.equals("openai") ? "gpt-4o-mini" : "claude-haiku-4-5";
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void aWindowIsOneBatchWhoseLinesAreAnsweredWithTheirUsage(String provider) {
        ModelSpec spec = spec(provider, modelOf(provider));
        SIMULATOR.configure(spec.modelId(), ModelBehaviour.DEFAULT.withScript("batched " + provider));
        BatchModel batches = batches(spec);
        String key1 = "a".repeat(64);
        String key2 = "b".repeat(64);

        String id = batches.submit(
                spec,
                "sluice-" + provider + "-1",
                List.of(
                        new BatchModel.Request(key1, "Be brief.", "first question"),
                        new BatchModel.Request(key2, "", "second question")));

        assertThat(batches.status(spec, id)).isInstanceOfSatisfying(BatchModel.Status.Ended.class, ended -> {
            assertThat(ended.expired()).isFalse();
            Map<String, BatchModel.Result> results = byId(ended);
            assertThat(results).containsOnlyKeys(key1, key2);
            assertThat(results.get(key1)).isInstanceOfSatisfying(BatchModel.Result.Answered.class, a -> {
                assertThat(a.completion().text()).isEqualTo("batched " + provider);
                assertThat(a.completion().usage().input()).isPositive();
                assertThat(a.completion().usage().output()).isPositive();
            });
        });
        assertThat(SIMULATOR.calls(spec.modelId()))
                .as("each line is one model call")
                .isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void anOpenAiWindowSentAgainFindsTheBatchAlreadyMadeForIt() throws Exception {
        ModelSpec spec = spec("openai", "gpt-4o-mini");
        BatchModel batches = batches(spec);
        List<BatchModel.Request> lines = List.of(new BatchModel.Request("k1", "", "once"));
        String first = batches.submit(spec, "sluice-openai-batch-42", lines);
        String again = batches.submit(spec, "sluice-openai-batch-42", lines);
        String other = batches.submit(spec, "sluice-openai-batch-43", lines);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        java.net.http.HttpResponse<String> list = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(SIMULATOR.endpoint() + "/v1/batches"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(BatchHttp.JSON.readTree(list.body()).path("data")).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void aBatchIsInProgressUntilItsTime(String provider) {
        ModelSpec spec = spec(provider, modelOf(provider));
        SIMULATOR.batchProcessing(Duration.ofHours(1));
        BatchModel batches = batches(spec);
        String id = batches.submit(spec, "sluice-wait", List.of(new BatchModel.Request("k1", "", "later")));
        assertThat(batches.status(spec, id)).isInstanceOf(BatchModel.Status.Running.class);
        assertThat(SIMULATOR.totalCalls()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void aLineTheProviderFailsIsErroredWorthAnotherTryOnlyWhenItsStatusSaysSo(String provider) {
        ModelSpec overloaded = spec(provider, "model-overloaded");
        ModelSpec refusing = spec(provider, "model-refusing");
        SIMULATOR.failNext(overloaded.modelId(), provider.equals("openai") ? 500 : 529, 1);
        SIMULATOR.failNext(refusing.modelId(), 400, 1);

        BatchModel.Result five = only(overloaded);
        BatchModel.Result four = only(refusing);

        assertThat(five).isInstanceOfSatisfying(BatchModel.Result.Errored.class, e -> {
            assertThat(e.error().permanent()).isFalse();
            assertThat(e.error().kind()).isEqualTo(FailureKind.SERVER_ERROR);
        });
        assertThat(four).isInstanceOfSatisfying(BatchModel.Result.Errored.class, e -> {
            assertThat(e.error().permanent()).isTrue();
            assertThat(e.error().kind()).isEqualTo(FailureKind.INVALID_REQUEST);
            assertThat(e.error().status()).isEqualTo(400);
        });
    }

    private static BatchModel.Result only(ModelSpec spec) {
        BatchModel batches = batches(spec);
        String id = batches.submit(spec, "sluice-" + spec.modelId(), List.of(new BatchModel.Request("k", "", "q")));
        BatchModel.Status.Ended ended = (BatchModel.Status.Ended) batches.status(spec, id);
        assertThat(ended.results()).hasSize(1);
        return ended.results().getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void anExpiredBatchEndsWithItsLinesUnanswered(String provider) {
        ModelSpec spec = spec(provider, modelOf(provider));
        SIMULATOR.expireNextBatches(1);
        BatchModel batches = batches(spec);
        String id = batches.submit(
                spec,
                "sluice-expiring",
                List.of(new BatchModel.Request("x", "", "one"), new BatchModel.Request("y", "", "two")));

        assertThat(batches.status(spec, id)).isInstanceOfSatisfying(BatchModel.Status.Ended.class, ended -> {
            assertThat(ended.expired()).isTrue();
            assertThat(ended.results()).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void aBatchTheProviderDoesNotKnowIsRefusedNotRetried(String provider) {
        ModelSpec spec = spec(provider, modelOf(provider));
        assertThatThrownBy(() -> batches(spec).status(spec, "batch_none"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("404");
    }
}
