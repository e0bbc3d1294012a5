package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.ModelSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What the program reads from, and delivers of, the stack's models/pipelines document. */
class PipelineConfigTest {
    private static final String DOC = """
            {"models": {
               "fast": {"provider": "openai", "model": "gpt-4o-mini", "limits": {"rpm": "1000", "tpm": 2000000},
                        "temperature": "0.2", "options": {"apiKeySecret": "${KEY:-sluice/openai}"}},
               "spare": {"provider": "bedrock", "model": "amazon.nova-micro-v1:0", "limits": {"rpm": 100}}},
             "pipelines": {"p": {"inputs": ["q"], "steps": [{"generate": "a", "model": "fast", "prompt": "{{input.q}}"}],
                                 "guardrails": {"redactPii": "true"}}}}
            """;

    @Test
    void valuesSetAsTextByConfigPathArriveTypedForTheFunctionsParser() {
        PipelineConfig config = PipelineConfig.parse(DOC, Map.of());
        Map<String, Object> delivered = new Yaml().load(config.yaml());
        assertThat(delivered.toString()).contains("rpm=1000", "temperature=0.2", "redactPii=true");
        assertThat(config.yaml()).contains("rpm: 1000").doesNotContain("rpm: '1000'");
    }

    @Test
    void placeholdersStayInTheDocumentButResolveForTheProgram() {
        assertThat(PipelineConfig.parse(DOC, Map.of()).secretNames()).containsExactly("sluice/openai");
        PipelineConfig custom = PipelineConfig.parse(DOC, Map.of("KEY", "team/openai"));
        assertThat(custom.secretNames()).containsExactly("team/openai");
        assertThat(custom.yaml()).contains("${KEY:-sluice/openai}");
    }

    @Test
    void onlyModelsThatPipelinesCallAddToTheRateAndBedrockModelsAreKnown() {
        PipelineConfig config = PipelineConfig.parse(DOC, Map.of());
        assertThat(config.primaryModels()).extracting(ModelSpec::alias).containsExactly("fast");
        assertThat(config.bedrockModels()).extracting(ModelSpec::modelId).isEqualTo(List.of("amazon.nova-micro-v1:0"));
    }

    @Test
    void theVersionFollowsTheContent() {
        String a = PipelineConfig.parse(DOC, Map.of()).version();
        String b = PipelineConfig.parse(DOC.replace("gpt-4o-mini", "gpt-4.1-mini"), Map.of())
                .version();
        assertThat(a)
                .hasSize(16)
                .isNotEqualTo(b)
                .isEqualTo(PipelineConfig.parse(DOC, Map.of()).version());
    }
}
