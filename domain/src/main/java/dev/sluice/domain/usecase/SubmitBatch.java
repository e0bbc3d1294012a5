package dev.sluice.domain.usecase;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Accepts many inputs for one pipeline as a batch: one job per item, progress counted as they end. */
public interface SubmitBatch {

    /**
     * @throws InvalidInputException when the batch or any item breaks a limit (nothing is recorded then)
     * @throws IdempotencyConflictException when the idempotency key was used for other items
     * @throws SubmissionIncompleteException when a dependency failed part way; its message says what was queued
     */
    Batch submit(Command command);

    record Command(
            TenantId tenant,
            String pipeline,
            List<Map<String, String>> items,
            Optional<String> idempotencyKey,
            CorrelationId correlationId,
            Priority priority,
            Mode mode,
            Optional<Instant> deadline) {
        public Command {
            Objects.requireNonNull(tenant, "'tenant' must not be null");
            Objects.requireNonNull(pipeline, "'pipeline' must not be null");
            items = items.stream().map(Map::copyOf).toList();
            Objects.requireNonNull(idempotencyKey, "'idempotencyKey' must not be null");
            Objects.requireNonNull(correlationId, "'correlationId' must not be null");
            Objects.requireNonNull(priority, "'priority' must not be null");
            Objects.requireNonNull(mode, "'mode' must not be null");
            Objects.requireNonNull(deadline, "'deadline' must not be null");
        }

        /** With no deadline of its own. */
        public Command(
                TenantId tenant,
                String pipeline,
                List<Map<String, String>> items,
                Optional<String> idempotencyKey,
                CorrelationId correlationId,
                Priority priority,
                Mode mode) {
            this(tenant, pipeline, items, idempotencyKey, correlationId, priority, mode, Optional.empty());
        }

        /** With its model calls made as the pipeline says. */
        public Command(
                TenantId tenant,
                String pipeline,
                List<Map<String, String>> items,
                Optional<String> idempotencyKey,
                CorrelationId correlationId,
                Priority priority) {
            this(tenant, pipeline, items, idempotencyKey, correlationId, priority, Mode.LIVE);
        }

        /** As batch work. */
        public Command(
                TenantId tenant,
                String pipeline,
                List<Map<String, String>> items,
                Optional<String> idempotencyKey,
                CorrelationId correlationId) {
            this(tenant, pipeline, items, idempotencyKey, correlationId, Priority.BATCH);
        }
    }
}
