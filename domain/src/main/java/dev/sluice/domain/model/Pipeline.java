package dev.sluice.domain.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named, ordered list of steps. Steps are grouped into hops, each ending with one {@link Step.Generate}, so
 * that no invocation waits on more than one model call.
 *
 * @param inputs the input fields a job must provide
 */
public record Pipeline(
        String name, List<String> inputs, List<Step> steps, Guardrails guardrails, CacheScope cache, Mode mode) {

    /**
     * Whose answers a step may be answered from: the same tenant's only (the default), or any tenant's for a
     * pipeline whose prompts carry nothing of a tenant's own ({@code cache: shared}). A shared hit is never shown
     * to a tenant as a hit: its hop reads as answered, at the answer's price.
     */
    public enum CacheScope {
        TENANT,
        SHARED
    }

    public Pipeline(String name, List<String> inputs, List<Step> steps, Guardrails guardrails) {
        this(name, inputs, steps, guardrails, CacheScope.TENANT);
    }

    public Pipeline(String name, List<String> inputs, List<Step> steps, Guardrails guardrails, CacheScope cache) {
        this(name, inputs, steps, guardrails, cache, Mode.LIVE);
    }

    public Pipeline {
        Objects.requireNonNull(name, "'name' must not be null");
        Objects.requireNonNull(cache, "'cache' must not be null");
        Objects.requireNonNull(mode, "'mode' must not be null");
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

    /**
     * The steps grouped into hops; hop {@code i} holds the steps run by the {@code i}-th processor invocation: its
     * retrievals, then its one model call.
     */
    public List<Hop> hops() {
        List<Hop> hops = new ArrayList<>();
        List<Step.Retrieve> retrievals = new ArrayList<>();
        for (Step step : steps) {
            switch (step) {
                case Step.Retrieve r -> retrievals.add(r);
                case Step.Generate g -> {
                    hops.add(new Hop(retrievals, g));
                    retrievals = new ArrayList<>();
                }
            }
        }
        return List.copyOf(hops);
    }

    /** What one processor invocation runs: retrievals whose outputs the prompt may use, then one model call. */
    public record Hop(List<Step.Retrieve> retrievals, Step.Generate generate) {
        public Hop {
            retrievals = List.copyOf(retrievals);
            Objects.requireNonNull(generate, "'generate' must not be null");
        }
    }

    public int hopCount() {
        return (int) steps.stream().filter(Step.Generate.class::isInstance).count();
    }

    /**
     * The steps whose outputs a hop after {@code hop} reads ({@code {{steps.<name>}}} in a query, filter, system or
     * prompt), and the answer step: besides its own answer, all a hop's memo needs to keep.
     */
    public Set<String> readAfter(int hop) {
        Set<String> read = new LinkedHashSet<>();
        read.add(answerStep());
        List<Hop> all = hops();
        for (Hop later : all.subList(Math.min(hop + 1, all.size()), all.size())) {
            for (Step.Retrieve r : later.retrievals()) {
                steps(read, r.query());
                r.filter().values().forEach(v -> steps(read, new Template(v)));
            }
            steps(read, later.generate().system());
            steps(read, later.generate().prompt());
        }
        return read;
    }

    private static void steps(Set<String> into, Template template) {
        template.variables().stream()
                .filter(v -> v.startsWith("steps."))
                .map(v -> v.substring("steps.".length()))
                .forEach(into::add);
    }

    /** The name of the step whose output is the job's answer. */
    public String answerStep() {
        return steps.getLast().name();
    }
}
