package dev.sluice.domain.config;

import dev.sluice.domain.model.Pipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How long the longest hop of a configuration may take, and the timeouts that follow from it: the processor's
 * function timeout, the engine's lease (it must outlast any delivery that may still be running) and the work
 * queue's visibility timeout. A hop runs its retrievals one after the other and then its model call, whose fallback
 * chain is walked in sequence, each model within its retry budget and call timeout.
 *
 * @param longest the longest hop's worst case
 * @param where which pipeline and hop that is, and why, in words
 */
public record HopBudget(Duration longest, String where) {
    /**
     * One model of a chain at worst: the retry budget (20 s), the last backoff (4 s) and one more call timeout (45 s)
     * of the LLM adapters' resilience defaults, rounded up. A test in adapters-llm proves the two agree.
     */
    public static final Duration PER_MODEL = Duration.ofSeconds(70);

    /** One retrieval at worst: the embedder's 20 s timeout and a vector search. */
    public static final Duration PER_RETRIEVAL = Duration.ofSeconds(30);

    /** Added to the longest hop for reading the job, writing the memo and queueing what comes next. */
    public static final Duration MARGIN = Duration.ofSeconds(15);

    /** Lambda's longest timeout. */
    public static final Duration MAX_FUNCTION_TIMEOUT = Duration.ofSeconds(900);

    /** AWS's guidance for SQS event sources: a visibility timeout of six times the function's timeout. */
    public static final int VISIBILITY_PER_FUNCTION_TIMEOUT = 6;

    /** The longest hop of every pipeline; refuses a configuration whose longest hop cannot fit in a function. */
    public static HopBudget of(SluiceConfig config) {
        Duration longest = Duration.ZERO;
        String where = "no pipelines";
        for (Map.Entry<String, Pipeline> p : config.pipelines().entrySet()) {
            var hops = p.getValue().hops();
            for (int i = 0; i < hops.size(); i++) {
                Pipeline.Hop hop = hops.get(i);
                List<String> chain = config.fallbackChain(hop.generate().model());
                Duration d =
                        PER_RETRIEVAL.multipliedBy(hop.retrievals().size()).plus(PER_MODEL.multipliedBy(chain.size()));
                if (d.compareTo(longest) > 0) {
                    longest = d;
                    where = "pipelines." + p.getKey() + " hop " + i + ": "
                            + hop.retrievals().size() + " retrieval(s) and the model chain "
                            + String.join(" -> ", chain);
                }
            }
        }
        HopBudget budget = new HopBudget(longest, where);
        if (budget.functionTimeout().compareTo(MAX_FUNCTION_TIMEOUT) > 0) {
            throw new ConfigException(
                    "pipelines",
                    where + " may take " + longest.toSeconds() + " s (" + PER_RETRIEVAL.toSeconds()
                            + " s per retrieval, "
                            + PER_MODEL.toSeconds() + " s per model of the chain), so the processor would need a "
                            + budget.functionTimeout().toSeconds() + " s timeout; Lambda allows "
                            + MAX_FUNCTION_TIMEOUT.toSeconds() + " s: shorten the fallback chain or split the hop");
        }
        return budget;
    }

    /** The processor's timeout: the longest hop and the margin. */
    public Duration functionTimeout() {
        return longest.plus(MARGIN);
    }

    /** The lease outlasts the function, so no second delivery starts a hop that may still be running. */
    public Duration lease() {
        return functionTimeout().plus(MARGIN);
    }

    public Duration visibilityTimeout() {
        return functionTimeout().multipliedBy(VISIBILITY_PER_FUNCTION_TIMEOUT);
    }
}
