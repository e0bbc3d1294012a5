package dev.sluice.domain.config;

import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.Template;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Cross-reference checks of a configuration; every failure names the field at fault. */
final class ConfigValidator {
    private ConfigValidator() {}

    static void validate(
            Map<String, ModelSpec> models, Map<String, Pipeline> pipelines, Map<String, IndexSpec> indexes) {
        models.forEach((alias, spec) -> validateModel(alias, spec, models));
        // Cycles only once every fallback is known to exist, so the walk never meets an unknown alias.
        models.keySet().stream()
                .sorted()
                .forEach(alias -> findCycle(alias, models, new ArrayList<>(), new HashSet<>()));
        pipelines.forEach((name, pipeline) -> validatePipeline(name, pipeline, models, indexes));
    }

    private static void validateModel(String alias, ModelSpec spec, Map<String, ModelSpec> models) {
        String path = "models." + alias;
        if (!spec.alias().equals(alias)) {
            throw new ConfigException(path, "alias '" + spec.alias() + "' does not match its key");
        }
        if (!ModelSpec.PROVIDERS.contains(spec.provider())) {
            throw new ConfigException(
                    path + ".provider",
                    "unknown provider '" + spec.provider() + "' (known: " + String.join(", ", ModelSpec.PROVIDERS)
                            + ")");
        }
        if (spec.batch().isPresent() && !ModelSpec.BATCH_PROVIDERS.contains(spec.provider())) {
            throw new ConfigException(
                    path + ".batch",
                    "provider '" + spec.provider() + "' has no batch API sluice speaks (batch routes: "
                            + String.join(", ", ModelSpec.BATCH_PROVIDERS) + ")");
        }
        if (spec.batch().isPresent() && !spec.batchable()) {
            throw new ConfigException(
                    path + ".batch",
                    "Bedrock batch inference needs the model family's own request body, and sluice writes it for "
                            + "Claude, Nova and Llama models only (model '" + spec.modelId() + "' is none of them)");
        }
        for (int i = 0; i < spec.fallbacks().size(); i++) {
            String fallback = spec.fallbacks().get(i);
            if (!models.containsKey(fallback)) {
                throw new ConfigException(
                        path + ".fallbacks[" + i + "]", "unknown model alias '" + fallback + "'" + known(models));
            }
        }
    }

    private static void findCycle(String alias, Map<String, ModelSpec> models, List<String> path, Set<String> done) {
        if (path.contains(alias)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(alias), path.size()));
            cycle.add(alias);
            throw new ConfigException(
                    "models." + path.getFirst() + ".fallbacks",
                    "fallback chain is cyclic: " + String.join(" -> ", cycle));
        }
        if (done.contains(alias)) {
            return;
        }
        path.add(alias);
        for (String next : models.get(alias).fallbacks()) {
            findCycle(next, models, path, done);
        }
        path.removeLast();
        done.add(alias);
    }

    private static void validatePipeline(
            String name, Pipeline pipeline, Map<String, ModelSpec> models, Map<String, IndexSpec> indexes) {
        String path = "pipelines." + name;
        if (!pipeline.name().equals(name)) {
            throw new ConfigException(path, "name '" + pipeline.name() + "' does not match its key");
        }
        Set<String> earlier = new HashSet<>();
        for (int i = 0; i < pipeline.steps().size(); i++) {
            Step step = pipeline.steps().get(i);
            String stepPath = path + ".steps[" + i + "]";
            if (earlier.contains(step.name())) {
                throw new ConfigException(stepPath, "step name '" + step.name() + "' is used twice");
            }
            switch (step) {
                case Step.Retrieve r -> {
                    if (!indexes.containsKey(r.index())) {
                        throw new ConfigException(
                                stepPath + ".index", "unknown index '" + r.index() + "'" + known(indexes));
                    }
                    checkVariables(stepPath + ".query", r.query(), pipeline, earlier);
                }
                case Step.Generate g -> {
                    if (!models.containsKey(g.model())) {
                        throw new ConfigException(
                                stepPath + ".model", "unknown model alias '" + g.model() + "'" + known(models));
                    }
                    checkVariables(stepPath + ".system", g.system(), pipeline, earlier);
                    checkVariables(stepPath + ".prompt", g.prompt(), pipeline, earlier);
                }
            }
            earlier.add(step.name());
        }
    }

    private static void checkVariables(String path, Template template, Pipeline pipeline, Set<String> earlier) {
        for (String variable : template.variables()) {
            if (variable.startsWith("input.")) {
                String field = variable.substring("input.".length());
                if (!pipeline.inputs().contains(field)) {
                    throw new ConfigException(
                            path,
                            "{{" + variable + "}} can never be bound: '" + field
                                    + "' is not among the pipeline's inputs " + pipeline.inputs());
                }
            } else if (variable.startsWith("steps.")) {
                String step = variable.substring("steps.".length());
                if (!earlier.contains(step)) {
                    throw new ConfigException(
                            path,
                            "{{" + variable + "}} can never be bound: no step named '" + step
                                    + "' runs before this one");
                }
            } else {
                throw new ConfigException(
                        path,
                        "{{" + variable + "}} can never be bound: variables are {{input.<field>}} or {{steps.<step>}}");
            }
        }
    }

    private static String known(Map<String, ?> map) {
        return " (known: " + String.join(", ", new TreeSet<>(map.keySet())) + ")";
    }
}
