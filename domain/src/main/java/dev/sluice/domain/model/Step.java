package dev.sluice.domain.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a pipeline. A hop runs steps up to and including one {@link Generate}; each step's output is bound
 * to {@code {{steps.<name>}}} for the templates of later steps.
 */
public sealed interface Step permits Step.Retrieve, Step.Generate {

    String name();

    /** Embeds the rendered {@code query} and binds the top {@code topK} chunks of {@code index} as text. */
    record Retrieve(String name, String index, Template query, int topK, Map<String, String> filter) implements Step {
        public Retrieve {
            Objects.requireNonNull(name, "'name' must not be null");
            Objects.requireNonNull(index, "'index' must not be null");
            Objects.requireNonNull(query, "'query' must not be null");
            if (topK < 1 || topK > 100) {
                throw new IllegalArgumentException("'topK' must be between 1 and 100");
            }
            filter = Map.copyOf(filter);
        }
    }

    /**
     * Renders {@code prompt} (and optional {@code system}) and calls the model behind {@code model}, an alias.
     *
     * @param semantic the step's semantic cache, if it has one ({@code cache: semantic})
     */
    record Generate(String name, String model, Template system, Template prompt, Optional<SemanticCaching> semantic)
            implements Step {
        public Generate(String name, String model, Template system, Template prompt) {
            this(name, model, system, prompt, Optional.empty());
        }

        public Generate {
            Objects.requireNonNull(name, "'name' must not be null");
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(system, "'system' must not be null");
            Objects.requireNonNull(prompt, "'prompt' must not be null");
            Objects.requireNonNull(semantic, "'semantic' must not be null");
        }
    }
}
