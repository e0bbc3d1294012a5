package dev.sluice.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a hop's memo must keep: the steps later hops read, and the answer. */
class PipelineMemoTest {
    private static Step.Retrieve retrieve(String name, String query) {
        return new Step.Retrieve(name, "docs", new Template(query), 4, Map.of());
    }

    private static Step.Generate generate(String name, String prompt) {
        return new Step.Generate(name, "fast", new Template("Be brief."), new Template(prompt));
    }

    @Test
    void aRetrievalOnlyItsOwnHopReadsIsNotKeptButOneALaterHopReadsIs() {
        Pipeline p = new Pipeline(
                "p",
                List.of("q"),
                List.of(
                        retrieve("background", "{{input.q}}"),
                        generate("plan", "{{steps.background}} {{input.q}}"),
                        retrieve("facts", "{{steps.plan}}"),
                        generate("draft", "{{steps.facts}} and, again, {{steps.background}}"),
                        generate("answer", "Tighten {{steps.draft}}")),
                Guardrails.NONE);
        assertThat(p.readAfter(0)).contains("background", "plan");
        assertThat(p.readAfter(1)).contains("draft").doesNotContain("facts", "background");
        assertThat(p.readAfter(2)).containsExactly("answer");
    }
}
