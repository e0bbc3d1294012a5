package dev.sluice.domain.usecase;

import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Accepts one job: validates it, records it once per idempotency key, and queues its first hop. */
public interface SubmitJob {

    /**
     * A job is recorded and its first message sent, or neither: if the message cannot be sent the record is withdrawn
     * and the port failure thrown, so a retry with the same idempotency key submits it afresh.
     *
     * @throws InvalidInputException when the pipeline is unknown, the input breaks a limit or holds text a queue
     *     would refuse
     */
    Result submit(Command command);

    record Command(
            TenantId tenant,
            String pipeline,
            Map<String, String> input,
            Optional<String> idempotencyKey,
            CorrelationId correlationId,
            Priority priority,
            Mode mode,
            Optional<Instant> deadline) {
        public Command {
            Objects.requireNonNull(tenant, "'tenant' must not be null");
            Objects.requireNonNull(pipeline, "'pipeline' must not be null");
            input = Map.copyOf(input);
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
                Map<String, String> input,
                Optional<String> idempotencyKey,
                CorrelationId correlationId,
                Priority priority,
                Mode mode) {
            this(tenant, pipeline, input, idempotencyKey, correlationId, priority, mode, Optional.empty());
        }

        /** With its model calls made as the pipeline says. */
        public Command(
                TenantId tenant,
                String pipeline,
                Map<String, String> input,
                Optional<String> idempotencyKey,
                CorrelationId correlationId,
                Priority priority) {
            this(tenant, pipeline, input, idempotencyKey, correlationId, priority, Mode.LIVE);
        }

        /** As an interactive job. */
        public Command(
                TenantId tenant,
                String pipeline,
                Map<String, String> input,
                Optional<String> idempotencyKey,
                CorrelationId correlationId) {
            this(tenant, pipeline, input, idempotencyKey, correlationId, Priority.INTERACTIVE);
        }
    }

    /** What happened to a submission. */
    sealed interface Result {
        /** A new job was queued. */
        record Accepted(Job job) implements Result {}

        /** The idempotency key was seen before with the same request: the original job. */
        record Duplicate(Job job) implements Result {}

        /** The idempotency key was seen before with a different request. */
        record Conflict(Job existing, String message) implements Result {}
    }
}
