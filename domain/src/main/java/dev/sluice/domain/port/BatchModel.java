package dev.sluice.domain.port;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelSpec;
import java.util.List;
import java.util.Objects;

/** A provider's batch API: many calls sent as one batch, answered within the provider's window at its batch price. */
public interface BatchModel {

    /** One call of a batch; {@code customId} comes back on its result. */
    record Request(String customId, String system, String prompt) {
        public Request {
            Objects.requireNonNull(customId, "'customId' must not be null");
            Objects.requireNonNull(system, "'system' must not be null");
            Objects.requireNonNull(prompt, "'prompt' must not be null");
        }
    }

    /**
     * Sends one batch of calls of {@code model}; the provider's id for it.
     *
     * @param submissionId sluice's name for the batch, the same each time the same window is sent
     * @throws TransientException when the provider could not take it now
     * @throws PermanentException when it refuses the batch itself
     */
    String submit(ModelSpec model, String submissionId, List<Request> requests);

    /**
     * The fewest calls the provider takes in one batch of {@code model} (Bedrock's batch inference: 100). A smaller
     * window waits for the next one, as long as its calls can.
     */
    default int minimumLines(ModelSpec model) {
        return 1;
    }

    /** Where a batch is: still running, or ended with a result for each line it answered or errored. */
    Status status(ModelSpec model, String batchId);

    sealed interface Status {
        record Running() implements Status {}

        /**
         * @param results a result for each line the provider got to
         * @param expired whether the provider gave up on the rest (its window passed, or the batch was cancelled)
         */
        record Ended(List<Result> results, boolean expired) implements Status {
            public Ended {
                results = List.copyOf(results);
            }
        }
    }

    sealed interface Result {
        String customId();

        record Answered(String customId, Completion completion) implements Result {}

        record Errored(String customId, ParkedCalls.LineError error) implements Result {}
    }
}
