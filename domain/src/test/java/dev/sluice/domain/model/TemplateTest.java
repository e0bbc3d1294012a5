package dev.sluice.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    @Test
    void rendersEveryPlaceholderAndLeavesDollarSignsAlone() {
        Template t = new Template("Q: {{input.q}} / {{ steps.ctx }} / {{input.q}}");
        assertThat(t.variables()).containsExactly("input.q", "steps.ctx");
        assertThat(t.render(Map.of("input.q", "costs $5?", "steps.ctx", "c\\d")))
                .isEqualTo("Q: costs $5? / c\\d / costs $5?");
    }

    @Test
    void aMissingBindingIsNamed() {
        assertThatThrownBy(() -> new Template("{{input.a}} {{input.b}}").render(Map.of("input.a", "x")))
                .hasMessage("template variables without a value: [input.b]");
    }
}
