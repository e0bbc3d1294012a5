package dev.sluice.domain.fake;

import dev.sluice.domain.port.StructuredOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A structured-output reader that reads no JSON: it answers what the test scripted (unless told otherwise, every
 * answer is valid as it stands) and records what it was asked. Tests that need answers really read use the Jackson
 * adapter (adapters-llm).
 */
public final class ScriptedStructuredOutput implements StructuredOutput {
    private final List<Request> requests = new ArrayList<>();
    private Function<String, Checked> script = answer -> new Checked.Valid(answer, false);

    /** One question put to the reader. */
    public record Request(String answer, List<String> requiredKeys, Values values) {}

    @Override
    public synchronized Checked check(String answer, List<String> requiredKeys, Values values) {
        requests.add(new Request(answer, List.copyOf(requiredKeys), values));
        return script.apply(answer);
    }

    /** From now on every answer is judged so. */
    public synchronized ScriptedStructuredOutput answerWith(Function<String, Checked> judgement) {
        this.script = judgement;
        return this;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }
}
