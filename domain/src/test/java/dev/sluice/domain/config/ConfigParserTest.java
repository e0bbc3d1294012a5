package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.TenantId;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Loading configuration: what is accepted, and what is refused with the field named. */
class ConfigParserTest {

    private static Map<String, Object> model(String id, List<String> fallbacks) {
        Map<String, Object> m = new HashMap<>();
        m.put("provider", "anthropic");
        m.put("model", id);
        m.put("limits", Map.of("rpm", 50, "inputTpm", 40000, "outputTpm", 8000));
        m.put("prices", Map.of("input", 3, "output", 15));
        m.put("fallbacks", fallbacks);
        return m;
    }

    private static Map<String, Object> root() {
        Map<String, Object> models = new HashMap<>();
        models.put("smart", model("claude-sonnet", List.of("cheap")));
        models.put("cheap", model("claude-haiku", List.of()));
        Map<String, Object> rag = new HashMap<>();
        rag.put("inputs", List.of("question"));
        rag.put(
                "steps",
                List.of(
                        new HashMap<>(Map.of("retrieve", "context", "index", "docs", "query", "{{ input.question }}")),
                        new HashMap<>(Map.of(
                                "generate",
                                "answer",
                                "model",
                                "smart",
                                "prompt",
                                "{{steps.context}}\n{{input.question}}"))));
        Map<String, Object> pipelines = new HashMap<>();
        pipelines.put("rag", rag);
        Map<String, Object> root = new HashMap<>();
        root.put("models", models);
        root.put("pipelines", pipelines);
        root.put("indexes", new HashMap<>(Map.of("docs", Map.of("dimension", 384))));
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> root, String... path) {
        Map<String, Object> node = root;
        for (String p : path) {
            node = (Map<String, Object>) node.get(p);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> root, int i) {
        return ((List<Map<String, Object>>) at(root, "pipelines", "rag").get("steps")).get(i);
    }

    @Test
    void aValidConfigurationLoadsWithDefaults() {
        SluiceConfig config = ConfigParser.parse(root());
        ModelSpec smart = config.model("smart").orElseThrow();
        assertThat(smart.limits()).isEqualTo(new RateLimits(50, 0, 40000, 8000));
        assertThat(smart.prices().input()).isEqualByComparingTo(BigDecimal.valueOf(3));
        assertThat(smart.fallbacks()).containsExactly("cheap");
        assertThat(smart.limiterKey()).isEqualTo("anthropic:claude-sonnet");
        var rag = config.pipeline("rag").orElseThrow();
        assertThat(rag.hops()).hasSize(1);
        assertThat(((Step.Retrieve) rag.steps().getFirst()).topK()).isEqualTo(4);
        assertThat(config.index("docs").orElseThrow().chunkSize()).isEqualTo(800);
        assertThat(config.inputLimits()).isEqualTo(InputLimits.DEFAULTS);
        assertThat(config.engine()).isEqualTo(EngineSettings.DEFAULTS);
    }

    @Test
    void engineDurationsReadLikeAPersonWritesThem() {
        Map<String, Object> root = root();
        root.put("engine", Map.of("lease", "90s", "cacheTtl", "PT2H", "maxAttempts", 5));
        EngineSettings engine = ConfigParser.parse(root).engine();
        assertThat(engine.lease()).isEqualTo(Duration.ofSeconds(90));
        assertThat(engine.cacheTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(engine.maxAttempts()).isEqualTo(5);
    }

    @Test
    void tenantsWeighTheSameAndHaveNoQuotaUnlessConfigured() {
        SluiceConfig config = ConfigParser.parse(root());
        assertThat(config.tenantPolicy(new TenantId("anyone"))).isEqualTo(TenantPolicy.DEFAULT);
    }

    @Test
    void namedTenantsGetTheirWeightAndQuotaAndTheRestTheDefault() {
        Map<String, Object> root = root();
        root.put(
                "tenants",
                Map.of(
                        "default", Map.of("weight", 1, "quota", Map.of("rpm", 30)),
                        "acme", Map.of("weight", 2.5),
                        "globex", Map.of("quota", Map.of("rpm", 60, "outputTpm", 9000))));
        SluiceConfig config = ConfigParser.parse(root);
        assertThat(config.tenantPolicy(new TenantId("someone-else")))
                .isEqualTo(new TenantPolicy(1, new RateLimits(30, 0, 0, 0)));
        assertThat(config.tenantPolicy(new TenantId("acme")))
                .as("a named tenant keeps the default quota it does not override")
                .isEqualTo(new TenantPolicy(2.5, new RateLimits(30, 0, 0, 0)));
        assertThat(config.tenantPolicy(new TenantId("globex")))
                .isEqualTo(new TenantPolicy(1, new RateLimits(60, 0, 0, 9000)));
    }

    @Test
    void budgetsAreInDollarsAndANamedTenantKeepsWhatItDoesNotOverride() {
        Map<String, Object> root = root();
        root.put(
                "tenants",
                Map.of(
                        "default", Map.of("budget", Map.of("daily", 20, "monthly", "300.50")),
                        "acme", Map.of("budget", Map.of("daily", 5, "overBudget", "wait")),
                        "globex", Map.of("budget", Map.of("monthly", "none"))));
        SluiceConfig config = ConfigParser.parse(root);
        assertThat(config.tenantPolicy(new TenantId("someone-else")).budget())
                .isEqualTo(new Budget(
                        Optional.of(Cost.usd("20")), Optional.of(Cost.usd("300.50")), Budget.OverBudget.FAIL));
        assertThat(config.tenantPolicy(new TenantId("acme")).budget())
                .isEqualTo(
                        new Budget(Optional.of(Cost.usd("5")), Optional.of(Cost.usd("300.5")), Budget.OverBudget.WAIT));
        assertThat(config.tenantPolicy(new TenantId("globex")).budget())
                .as("none lifts the default's limit")
                .isEqualTo(new Budget(Optional.of(Cost.usd("20")), Optional.empty(), Budget.OverBudget.FAIL));
        assertThat(ConfigParser.parse(root()).tenantPolicy(new TenantId("x")).budget())
                .isEqualTo(Budget.NONE);
    }

    @Test
    void aBadBudgetIsNamed() {
        Map<String, Object> zero = root();
        zero.put("tenants", Map.of("acme", Map.of("budget", Map.of("daily", 0))));
        assertThatThrownBy(() -> ConfigParser.parse(zero))
                .hasMessage("tenants.acme.budget.daily: must be a positive amount of US dollars, or none (got '0')");
        Map<String, Object> word = root();
        word.put("tenants", Map.of("acme", Map.of("budget", Map.of("monthly", "lots"))));
        assertThatThrownBy(() -> ConfigParser.parse(word))
                .hasMessage("tenants.acme.budget.monthly: must be a number (got 'lots')");
        Map<String, Object> mode = root();
        mode.put("tenants", Map.of("acme", Map.of("budget", Map.of("overBudget", "queue"))));
        assertThatThrownBy(() -> ConfigParser.parse(mode))
                .hasMessage("tenants.acme.budget.overBudget: must be one of [FAIL, WAIT] (got 'queue')");
        Map<String, Object> typo = root();
        typo.put("tenants", Map.of("acme", Map.of("budget", Map.of("weekly", 3))));
        assertThatThrownBy(() -> ConfigParser.parse(typo))
                .hasMessage("tenants.acme.budget.weekly: unknown field (allowed here: daily, monthly, overBudget)");
    }

    @Test
    void aBadTenantEntryIsNamed() {
        Map<String, Object> zero = root();
        zero.put("tenants", Map.of("acme", Map.of("weight", 0)));
        assertThatThrownBy(() -> ConfigParser.parse(zero))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tenants.acme.weight: 'weight' must be a positive number, was 0.0");
        Map<String, Object> typo = root();
        typo.put("tenants", Map.of("acme", Map.of("quota", Map.of("rqm", 5))));
        assertThatThrownBy(() -> ConfigParser.parse(typo))
                .hasMessage("tenants.acme.quota.rqm: unknown field (allowed here: rpm, tpm, inputTpm, outputTpm)");
        Map<String, Object> negative = root();
        negative.put("tenants", Map.of("default", Map.of("quota", Map.of("rpm", -1))));
        assertThatThrownBy(() -> ConfigParser.parse(negative))
                .hasMessage("tenants.default.quota: limits must not be negative");
    }

    @Test
    void anUnknownModelAliasIsNamedWithTheKnownOnes() {
        Map<String, Object> root = root();
        step(root, 1).put("model", "gpt-9");
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .isInstanceOf(ConfigException.class)
                .hasMessage("pipelines.rag.steps[1].model: unknown model alias 'gpt-9' (known: cheap, smart)");
    }

    @Test
    void anUnknownIndexIsNamed() {
        Map<String, Object> root = root();
        step(root, 0).put("index", "wiki");
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .hasMessage("pipelines.rag.steps[0].index: unknown index 'wiki' (known: docs)");
    }

    @Test
    void aCyclicFallbackChainIsShownAsACycle() {
        Map<String, Object> root = root();
        at(root, "models", "cheap").put("fallbacks", List.of("smart"));
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fallback chain is cyclic")
                .hasMessageMatching(".*(smart -> cheap -> smart|cheap -> smart -> cheap)");
    }

    @Test
    void aFallbackToAnUnknownAliasIsNamed() {
        Map<String, Object> root = root();
        at(root, "models", "cheap").put("fallbacks", List.of("ghost"));
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .hasMessage("models.cheap.fallbacks[0]: unknown model alias 'ghost' (known: cheap, smart)");
    }

    @Test
    void aTemplateVariableThatCanNeverBeBoundIsRefused() {
        Map<String, Object> root = root();
        step(root, 1).put("prompt", "{{input.query}}");
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .hasMessage("pipelines.rag.steps[1].prompt: {{input.query}} can never be bound: 'query' is not among"
                        + " the pipeline's inputs [question]");

        Map<String, Object> later = root();
        step(later, 0).put("query", "{{steps.answer}}");
        assertThatThrownBy(() -> ConfigParser.parse(later))
                .hasMessageContaining("pipelines.rag.steps[0].query: {{steps.answer}} can never be bound: no step"
                        + " named 'answer' runs before this one");

        Map<String, Object> stray = root();
        step(stray, 1).put("prompt", "{{context}}");
        assertThatThrownBy(() -> ConfigParser.parse(stray))
                .hasMessageContaining("variables are {{input.<field>}} or {{steps.<step>}}");
    }

    @Test
    void typosAndWrongTypesAreNamed() {
        Map<String, Object> typo = root();
        at(typo, "models", "smart").put("temprature", 0.3);
        assertThatThrownBy(() -> ConfigParser.parse(typo))
                .hasMessageStartingWith("models.smart.temprature: unknown field (allowed here: provider, model,");

        Map<String, Object> wrong = root();
        step(wrong, 0).put("topK", "three");
        assertThatThrownBy(() -> ConfigParser.parse(wrong))
                .hasMessage("pipelines.rag.steps[0].topK: must be a whole number (got 'three')");

        Map<String, Object> provider = root();
        at(provider, "models", "smart").put("provider", "acme-ai");
        assertThatThrownBy(() -> ConfigParser.parse(provider))
                .hasMessageStartingWith("models.smart.provider: unknown provider 'acme-ai' (known: openai,");
    }

    @Test
    void aPipelineMustEndWithAGenerateStep() {
        Map<String, Object> root = root();
        at(root, "pipelines", "rag").put("steps", List.of(step(root, 0)));
        assertThatThrownBy(() -> ConfigParser.parse(root))
                .hasMessageContaining("pipelines.rag")
                .hasMessageContaining("must end with a generate step");
    }

    @Test
    void missingSectionsAreRequired() {
        Map<String, Object> root = root();
        root.remove("models");
        assertThatThrownBy(() -> ConfigParser.parse(root)).hasMessage("models: is required");
    }

    @Test
    void aBatchRouteTakesItsWindowAndPricesOrHalfTheLiveOnesAndAPipelineItsMode() {
        Map<String, Object> root = root();
        at(root, "models", "smart").put("batch", Map.of("every", "10m"));
        at(root, "models", "cheap").put("batch", Map.of("window", "12h", "prices", Map.of("input", 1, "output", 4)));
        at(root, "pipelines", "rag").put("mode", "batch");
        SluiceConfig config = ConfigParser.parse(root);

        BatchRoute smart = config.model("smart").orElseThrow().batch().orElseThrow();
        assertThat(smart.every()).isEqualTo(Duration.ofMinutes(10));
        assertThat(smart.window()).isEqualTo(Duration.ofHours(24));
        assertThat(smart.prices().input()).isEqualByComparingTo("1.5");
        assertThat(smart.prices().output()).isEqualByComparingTo("7.5");
        BatchRoute cheap = config.model("cheap").orElseThrow().batch().orElseThrow();
        assertThat(cheap.every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cheap.window()).isEqualTo(Duration.ofHours(12));
        assertThat(cheap.prices().output()).isEqualByComparingTo("4");
        assertThat(config.pipeline("rag").orElseThrow().mode()).isEqualTo(Mode.BATCH);
        assertThat(ConfigParser.parse(root()).pipeline("rag").orElseThrow().mode())
                .isEqualTo(Mode.LIVE);
    }

    @Test
    void aBatchRouteIsRefusedWhereNoBatchApiIsSpokenOrItsFieldsAreWrong() {
        Map<String, Object> gemini = root();
        at(gemini, "models", "cheap").put("provider", "gemini");
        at(gemini, "models", "cheap").put("batch", Map.of());
        assertThatThrownBy(() -> ConfigParser.parse(gemini))
                .hasMessage("models.cheap.batch: provider 'gemini' has no batch API sluice speaks (batch routes:"
                        + " openai, anthropic, bedrock)");
        Map<String, Object> titan = root();
        at(titan, "models", "cheap").put("provider", "bedrock");
        at(titan, "models", "cheap").put("model", "amazon.titan-text-express-v1");
        at(titan, "models", "cheap").put("batch", Map.of());
        assertThatThrownBy(() -> ConfigParser.parse(titan))
                .hasMessageStartingWith("models.cheap.batch: Bedrock batch inference needs the model family's own")
                .hasMessageContaining("Claude, Nova and Llama")
                .hasMessageContaining("'amazon.titan-text-express-v1'");
        for (String id : List.of(
                "us.anthropic.claude-haiku-4-5-v1:0", "amazon.nova-lite-v1:0", "meta.llama3-8b-instruct-v1:0")) {
            Map<String, Object> bedrock = root();
            at(bedrock, "models", "cheap").put("provider", "bedrock");
            at(bedrock, "models", "cheap").put("model", id);
            at(bedrock, "models", "cheap").put("batch", Map.of("every", "1h"));
            assertThat(ConfigParser.parse(bedrock).model("cheap").orElseThrow().batch())
                    .as(id)
                    .isPresent();
        }
        Map<String, Object> typo = root();
        at(typo, "models", "cheap").put("batch", Map.of("evry", "5m"));
        assertThatThrownBy(() -> ConfigParser.parse(typo))
                .hasMessage("models.cheap.batch.evry: unknown field (allowed here: every, window, prices)");
        Map<String, Object> quick = root();
        at(quick, "models", "cheap").put("batch", Map.of("every", "0s"));
        assertThatThrownBy(() -> ConfigParser.parse(quick)).hasMessageContaining("'every' must be at least a second");
        Map<String, Object> mode = root();
        at(mode, "pipelines", "rag").put("mode", "later");
        assertThatThrownBy(() -> ConfigParser.parse(mode))
                .hasMessage("pipelines.rag.mode: must be one of [LIVE, BATCH] (got 'later')");
    }
}
