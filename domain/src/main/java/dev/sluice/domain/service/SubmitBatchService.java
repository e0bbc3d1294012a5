package dev.sluice.domain.service;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmitBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates every item first (a bad item refuses the whole batch, nothing queued), then records the batch and one
 * job per item with ids derived from the batch id, so a resubmitted batch creates nothing twice.
 */
public final class SubmitBatchService implements SubmitBatch {
    private final SluiceConfig config;
    private final InputValidator validator;
    private final JobStore jobs;
    private final WorkQueue work;
    private final Clock clock;

    public SubmitBatchService(SluiceConfig config, JobStore jobs, WorkQueue work, Clock clock) {
        this.config = config;
        this.validator = new InputValidator(config);
        this.jobs = jobs;
        this.work = work;
        this.clock = clock;
    }

    @Override
    public Batch submit(Command command) {
        Pipeline pipeline = validator.pipeline(command.pipeline());
        int max = config.inputLimits().maxBatchItems();
        if (command.items().isEmpty()) {
            throw InvalidInputException.invalid("items", "a batch needs at least one item");
        }
        if (command.items().size() > max) {
            throw InvalidInputException.tooLarge(
                    "items", "has " + command.items().size() + " items; the limit is " + max);
        }
        for (int i = 0; i < command.items().size(); i++) {
            validator.input(pipeline, command.items().get(i), "items[" + i + "]");
        }
        validator.idempotencyKey(command.idempotencyKey());
        BatchId batchId = command.idempotencyKey()
                .map(key -> BatchId.forKey(command.tenant(), key))
                .orElseGet(BatchId::random);
        Instant now = clock.instant();
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < command.items().size(); i++) {
            ids.add(JobId.forKey(command.tenant(), batchId.value(), Integer.toString(i)));
        }
        Batch batch = new Batch(batchId, command.tenant(), pipeline.name(), ids, 0, 0, command.correlationId(), now);
        if (!jobs.createBatch(batch)) {
            Batch existing = jobs.findBatch(batchId).orElseThrow();
            if (existing.total() != batch.total() || !existing.pipeline().equals(batch.pipeline())) {
                throw new IdempotencyConflictException(
                        "idempotency key '" + command.idempotencyKey().orElse("") + "' was already used for batch "
                                + batchId + " with different items");
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> input = command.items().get(i);
            Job job = Job.queued(
                    ids.get(i),
                    command.tenant(),
                    pipeline,
                    input,
                    SubmitJobService.fingerprint(pipeline.name(), input),
                    command.correlationId(),
                    Optional.empty(),
                    Optional.of(batchId),
                    now);
            switch (jobs.create(job)) {
                case JobStore.CreateResult.Created created ->
                    work.send(Envelope.first(created.job(), Optional.empty()));
                case JobStore.CreateResult.Existing existing ->
                    SubmitJobService.resendIfNeverStarted(existing.job(), work);
            }
        }
        return jobs.findBatch(batchId).orElse(batch);
    }
}
