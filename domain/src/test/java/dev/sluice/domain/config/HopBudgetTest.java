package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopBudgetTest {
    private static Map<String, Object> model(String id, List<String> fallbacks) {
        return Map.of("provider", "openai", "model", id, "fallbacks", fallbacks);
    }

    private static Map<String, Object> config(Map<String, Object> models, List<Map<String, Object>> steps) {
        Map<String, Object> root = new HashMap<>();
        root.put("models", models);
        root.put("pipelines", Map.of("p", Map.of("inputs", List.of("q"), "steps", steps)));
        root.put("indexes", Map.of("docs", Map.of("dimension", 8)));
        return root;
    }

    private static final Map<String, Object> RETRIEVE =
            Map.of("retrieve", "ctx", "index", "docs", "query", "{{input.q}}", "topK", 2);

    private static Map<String, Object> generate(String name, String model) {
        return Map.of("generate", name, "model", model, "prompt", "{{input.q}}");
    }

    @Test
    void theLongestHopCountsItsRetrievalsAndEveryModelOfItsFallbackChain() {
        SluiceConfig config = ConfigParser.parse(config(
                Map.of("fast", model("a", List.of("steady")), "steady", model("b", List.of())),
                List.of(generate("outline", "steady"), RETRIEVE, generate("answer", "fast"))));

        HopBudget budget = HopBudget.of(config);

        // Hop 1: one retrieval (30 s) and fast -> steady (2 x 70 s).
        assertThat(budget.longest()).isEqualTo(Duration.ofSeconds(170));
        assertThat(budget.where()).isEqualTo("pipelines.p hop 1: 1 retrieval(s) and the model chain fast -> steady");
        assertThat(budget.functionTimeout()).isEqualTo(Duration.ofSeconds(185));
        assertThat(budget.lease()).isGreaterThan(budget.functionTimeout());
        assertThat(budget.visibilityTimeout()).isEqualTo(Duration.ofSeconds(6 * 185));
    }

    @Test
    void aChainThatCannotFitInALambdaIsRefusedWithTheHopNamed() {
        Map<String, Object> models = new HashMap<>();
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            aliases.add("m" + i);
        }
        for (int i = 0; i < 13; i++) {
            models.put("m" + i, model("id" + i, i + 1 < 13 ? List.of("m" + (i + 1)) : List.of()));
        }
        SluiceConfig config = ConfigParser.parse(config(models, List.of(RETRIEVE, generate("answer", "m0"))));

        assertThatThrownBy(() -> HopBudget.of(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines.p hop 0")
                .hasMessageContaining("m0 -> m1")
                .hasMessageContaining("Lambda allows 900 s");
    }
}
