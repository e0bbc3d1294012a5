package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tree reader behind the configuration parser and the Pulumi program's stack-config objects. */
class ConfigNodeTest {
    private static final ConfigNode ROOT = new ConfigNode(
            "", Map.of("models", Map.of("fast", Map.of("limits", Map.of("rpm", "many"))), "steps", List.of(Map.of())));

    @Test
    void errorsNameThePathOfTheFieldAtFault() {
        ConfigNode fast = ROOT.map("models").map("fast");
        assertThat(fast.path()).isEqualTo("models.fast");
        assertThatThrownBy(() -> fast.map("limits").integer("rpm", 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("models.fast.limits.rpm: must be a whole number (got 'many')");
        assertThatThrownBy(() -> ROOT.list("steps").get(0).string("generate"))
                .hasMessage("steps[0].generate: is required");
        assertThatThrownBy(() -> ROOT.map("steps")).hasMessage("steps: must be a mapping of keys to values");
        assertThat(ROOT.fail("broken").field()).isEqualTo("(root)");
    }

    @Test
    void aNamedRootPrefixesEveryPath() {
        ConfigNode functions = new ConfigNode("sluice:functions", Map.of("processor", Map.of("timeout", 60)));
        assertThat(functions.get("processor").get("timeout").path()).isEqualTo("sluice:functions.processor.timeout");
        assertThat(functions.optionalMap("ingestor").path()).isEqualTo("sluice:functions.ingestor");
    }

    @Test
    void findTreatsANullValueAsAbsentWhileGetRequiresOne() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("limits", null);
        ConfigNode n = new ConfigNode("m", withNull);
        assertThat(n.has("limits")).isTrue();
        assertThat(n.find("limits")).isEmpty();
        assertThatThrownBy(() -> n.get("limits")).hasMessage("m.limits: is required");
    }
}
