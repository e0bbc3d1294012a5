package dev.sluice.domain.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named, ordered list of steps. Steps are grouped into hops, each ending with one {@link Step.Generate}, so
 * that no invocation waits on more than one model call.
 *
 * @param inputs the input fields a job must provide
 */
public record Pipeline(String name, List<String> inputs, List<Step> steps, Guardrails guardrails) {
    public Pipeline {
        Objects.requireNonNull(name, "'name' must not be null");
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
        Objects.requireNonNull(guardrails, "'guardrails' must not be null");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("pipeline '" + name + "' has no steps");
        }
        if (!(steps.getLast() instanceof Step.Generate)) {
            throw new IllegalArgumentException(
                    "pipeline '" + name + "' must end with a generate step (its last step is '"
                            + steps.getLast().name() + "')");
        }
    }

    /** The steps grouped into hops; hop {@code i} holds the steps run by the {@code i}-th processor invocation. */
    public List<List<Step>> hops() {
        List<List<Step>> hops = new ArrayList<>();
        List<Step> current = new ArrayList<>();
        for (Step step : steps) {
            current.add(step);
            if (step instanceof Step.Generate) {
                hops.add(List.copyOf(current));
                current = new ArrayList<>();
            }
        }
        return List.copyOf(hops);
    }

    public int hopCount() {
        return (int) steps.stream().filter(Step.Generate.class::isInstance).count();
    }

    /** The name of the step whose output is the job's answer. */
    public String answerStep() {
        return steps.getLast().name();
    }
}
