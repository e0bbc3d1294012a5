package dev.sluice.adapter.llm.batch;

import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The one {@link BatchModel} the batcher uses: each model with a batch route, its provider's client built once. */
public final class BatchModels implements BatchModel {
    private final Map<String, BatchModel> byAlias;

    private BatchModels(Map<String, BatchModel> byAlias) {
        this.byAlias = Map.copyOf(byAlias);
    }

    /**
     * @param secretValueByName reads a secret by the name given in a model's {@code apiKeySecret} option
     * @param bedrock where Bedrock's batch inference keeps its records, and the role it reads and writes them with;
     *     needed only when a Bedrock model has a batch route
     * @throws IllegalArgumentException when a named secret cannot be read, or a Bedrock route has no storage
     */
    public static BatchModels create(
            Collection<ModelSpec> models,
            Function<String, Optional<String>> secretValueByName,
            Optional<BedrockBatchStorage> bedrock,
            Duration timeout) {
        Map<String, BatchModel> byAlias = new LinkedHashMap<>();
        for (ModelSpec spec : models) {
            if (spec.batch().isEmpty()) {
                continue;
            }
            Optional<String> key = spec.option("apiKeySecret")
                    .map(name -> secretValueByName
                            .apply(name)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "model '" + spec.alias() + "': secret '" + name + "' was not found")));
            switch (spec.provider()) {
                case "openai" -> byAlias.put(spec.alias(), new OpenAiBatches(key, timeout));
                case "anthropic" -> byAlias.put(spec.alias(), new AnthropicBatches(key, timeout));
                case "bedrock" ->
                    byAlias.put(
                            spec.alias(),
                            new BedrockBatches(
                                    spec,
                                    bedrock.orElseThrow(() -> new IllegalArgumentException("model '" + spec.alias()
                                            + "': a Bedrock batch route needs SLUICE_BEDROCK_BATCH_ROLE_ARN, the role"
                                            + " Bedrock reads and writes the batch records with")),
                                    timeout));
                default -> {
                    // the configuration refuses a batch route for any other provider
                }
            }
        }
        return new BatchModels(byAlias);
    }

    @Override
    public String submit(ModelSpec model, String submissionId, List<Request> requests) {
        return of(model).submit(model, submissionId, requests);
    }

    @Override
    public Status status(ModelSpec model, String batchId) {
        return of(model).status(model, batchId);
    }

    @Override
    public int minimumLines(ModelSpec model) {
        BatchModel batches = byAlias.get(model.alias());
        return batches == null ? 1 : batches.minimumLines(model);
    }

    private BatchModel of(ModelSpec model) {
        BatchModel batches = byAlias.get(model.alias());
        if (batches == null) {
            throw new PermanentException(
                    "model '" + model.alias() + "' has no batch client", FailureKind.NOT_CONFIGURED, 0, null);
        }
        return batches;
    }
}
