package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SimulatorConfig parse(String json) throws Exception {
        return SimulatorConfig.parse(JSON.readTree(json));
    }

    @Test
    void eachModelSaysHowItsLimitsAreCountedAndInheritsTheDefaultsOtherwise() throws Exception {
        SimulatorConfig config = parse("""
                {"default": {"rpm": 60, "counting": "per-second"},
                 "models": {"claude": {"counting": "token-bucket", "tpm": 1000},
                            "gpt": {"counting": "SLIDING_MINUTE"},
                            "nova": {"counting": "Token_Bucket"},
                            "plain": {"rpm": 5}}}""");

        assertThat(config.defaults().counting()).isEqualTo(RateCounting.PER_SECOND);
        assertThat(config.models().get("claude").counting()).isEqualTo(RateCounting.TOKEN_BUCKET);
        assertThat(config.models().get("claude").rpm()).isEqualTo(60);
        assertThat(config.models().get("gpt").counting()).isEqualTo(RateCounting.SLIDING_MINUTE);
        assertThat(config.models().get("nova").counting()).isEqualTo(RateCounting.TOKEN_BUCKET);
        assertThat(config.models().get("plain").counting()).isEqualTo(RateCounting.PER_SECOND);
    }

    @Test
    void withoutCountingLimitsAreCountedOverASlidingMinute() throws Exception {
        assertThat(parse("{\"models\": {\"gpt\": {\"rpm\": 5}}}")
                        .models()
                        .get("gpt")
                        .counting())
                .isEqualTo(RateCounting.SLIDING_MINUTE);
    }

    @Test
    void anUnknownCountingNamesTheFieldAndTheAllowedValues() {
        assertThatThrownBy(() -> parse("{\"models\": {\"gpt\": {\"counting\": \"leaky\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'counting'")
                .hasMessageContaining("sliding-minute, token-bucket, per-second")
                .hasMessageContaining("leaky");
        assertThatThrownBy(() -> parse("{\"default\": {\"counting\": 3}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'counting'");
    }

    @Test
    void aLoadedConfigSetsTheCountingOfTheSimulatorsModels() throws Exception {
        try (LlmSimulator simulator = LlmSimulator.start()) {
            parse("{\"models\": {\"claude\": {\"rpm\": 50, \"counting\": \"token-bucket\"}}}")
                    .applyTo(simulator);

            assertThat(simulator.behaviour("claude").counting()).isEqualTo(RateCounting.TOKEN_BUCKET);
            assertThat(simulator.behaviour("other").counting()).isEqualTo(RateCounting.SLIDING_MINUTE);
        }
    }
}
