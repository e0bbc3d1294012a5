package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job and its memo of hops, as a {@code job.*} event carries it. A job without a priority is interactive; one without
 * a mode is live (only a batch-mode job carries {@code "mode": "batch"}); one with a deadline carries it.
 */
record JobWire(
        @JsonProperty(required = true) String jobId,
        @JsonProperty(required = true) String tenant,
        @JsonProperty(required = true) String pipeline,
        @JsonProperty(required = true) JobStatus status,
        @JsonProperty(required = true) int hop,
        @JsonProperty(required = true) int hopCount,
        Map<String, String> input,
        @JsonProperty(required = true) String inputFingerprint,
        List<HopRecordWire> hops,
        @JsonProperty(required = true) String correlationId,
        String idempotencyKey,
        String batchId,
        String priority,
        String result,
        String failureReason,
        @JsonProperty(required = true) Instant createdAt,
        @JsonProperty(required = true) Instant updatedAt,
        String mode,
        Instant deadline) {
    static JobWire from(Job j) {
        return new JobWire(
                j.id().value(),
                j.tenant().value(),
                j.pipeline(),
                j.status(),
                j.hop(),
                j.hopCount(),
                j.input(),
                j.inputFingerprint(),
                j.hops().stream().map(HopRecordWire::from).toList(),
                j.correlationId().value(),
                j.idempotencyKey().orElse(null),
                j.batchId().map(BatchId::value).orElse(null),
                j.priority().wireName(),
                j.result().orElse(null),
                j.failureReason().orElse(null),
                j.createdAt(),
                j.updatedAt(),
                j.mode() == Mode.BATCH ? j.mode().wireName() : null,
                j.deadline().orElse(null));
    }

    Job toDomain() {
        List<HopRecord> records =
                WireJson.orEmpty(hops).stream().map(HopRecordWire::toDomain).toList();
        Priority parsedPriority = priority == null
                ? Priority.INTERACTIVE
                : Priority.ofWireName(priority)
                        .orElseThrow(() -> new MalformedJsonException(
                                "'priority' must be interactive or batch, got '" + priority + "'", null));
        Mode parsedMode = mode == null
                ? Mode.LIVE
                : Mode.ofWireName(mode)
                        .orElseThrow(() ->
                                new MalformedJsonException("'mode' must be live or batch, got '" + mode + "'", null));
        return WireJson.build(
                "job",
                () -> new Job(
                        new JobId(jobId),
                        new TenantId(tenant),
                        pipeline,
                        status,
                        hop,
                        hopCount,
                        WireJson.orEmpty(input),
                        inputFingerprint,
                        records,
                        new CorrelationId(correlationId),
                        Optional.ofNullable(idempotencyKey),
                        Optional.ofNullable(batchId).map(BatchId::new),
                        parsedPriority,
                        Optional.ofNullable(result),
                        Optional.ofNullable(failureReason),
                        createdAt,
                        updatedAt,
                        parsedMode,
                        Optional.ofNullable(deadline)));
    }
}
