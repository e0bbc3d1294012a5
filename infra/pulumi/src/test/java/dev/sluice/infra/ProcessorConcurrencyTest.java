package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.RateLimits;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The processor's MaximumConcurrency comes from the model limits by Little's law, and an override wins. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessorConcurrencyTest {
    private static ModelSpec model(String provider, String id, long rpm, long tpm) {
        return new ModelSpec(
                "m",
                provider,
                id,
                0,
                1024,
                new RateLimits(rpm, tpm, 0, 0),
                new Prices(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO),
                List.of(),
                Map.of());
    }

    @Test
    void inFlightCallsAreRateTimesLatencySharedByTheBatch() {
        // 600 rpm = 10 calls/s; x 5 s = 50 calls in flight; 10 per invocation = 5 invocations.
        assertThat(Concurrency.processor(List.of(model("openai", "a", 600, 0)), 5.0, 2000, 10))
                .isEqualTo(5);
        // Twice the latency needs twice the concurrency to keep the same rate.
        assertThat(Concurrency.processor(List.of(model("openai", "a", 600, 0)), 10.0, 2000, 10))
                .isEqualTo(10);
        // Smaller batches need more invocations.
        assertThat(Concurrency.processor(List.of(model("openai", "a", 600, 0)), 5.0, 2000, 5))
                .isEqualTo(10);
    }

    @Test
    void theTighterOfRequestAndTokenLimitsBinds() {
        // 100000 tpm / 2000 tokens = 50 rpm < 600 rpm: 50/60 x 6 s = 5 in flight -> 1 invocation -> floor of 2.
        assertThat(Concurrency.callsPerSecond(List.of(model("openai", "a", 600, 100_000)), 2000))
                .isEqualTo(50 / 60.0);
        assertThat(Concurrency.processor(List.of(model("openai", "a", 600, 100_000)), 6.0, 2000, 10))
                .isEqualTo(Concurrency.MIN);
    }

    @Test
    void distinctProviderBucketsAddUpAndAliasesOfOneModelDoNot() {
        List<ModelSpec> twoBuckets = List.of(model("openai", "a", 600, 0), model("anthropic", "b", 600, 0));
        List<ModelSpec> oneBucket = List.of(model("openai", "a", 600, 0), model("openai", "a", 600, 0));
        assertThat(Concurrency.callsPerSecond(twoBuckets, 2000)).isEqualTo(20.0);
        assertThat(Concurrency.callsPerSecond(oneBucket, 2000)).isEqualTo(10.0);
    }

    @Test
    void staysWithinWhatSqsAllows() {
        assertThat(Concurrency.processor(List.of(model("openai", "a", 1_000_000, 0)), 30.0, 2000, 10))
                .isEqualTo(Concurrency.MAX);
        assertThat(Concurrency.processor(List.of(model("ollama", "a", 0, 0)), 30.0, 2000, 10))
                .isEqualTo(Concurrency.UNLIMITED_DEFAULT);
    }

    @Test
    void raisingTheLimitInStackConfigRaisesTheProcessorsConcurrency() {
        String raised = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"rpm\":500", "\"rpm\":3000")
                .replace("\"tpm\":2000000", "\"tpm\":6000000");
        assertThat(raised).contains("\"rpm\":3000").contains("\"tpm\":6000000");
        StackRun before = StackRun.of("dev");
        StackRun after = StackRun.of("dev", Map.of("sluice:pipeline", raised));
        // 3000 rpm (tokens allow 3000 rpm too) = 50/s x 6 s = 300 in flight / 50 = 6; dev's 50 / 50 -> 1, at least 2.
        assertThat(concurrency(before)).isEqualTo(2);
        assertThat(concurrency(after)).isEqualTo(6);
    }

    @Test
    void anExplicitMaxConcurrencyOverridesTheDerivedOne() {
        StackRun run = StackRun.of("dev", Map.of("sluice:functions", "{\"processor\":{\"maxConcurrency\":42}}"));
        assertThat(concurrency(run)).isEqualTo(42);
    }

    private static int concurrency(StackRun run) {
        return ((Number) run.one(Types.ESM, run.prefix() + "-processor-esm")
                        .map("scalingConfig")
                        .get("maximumConcurrency"))
                .intValue();
    }
}
