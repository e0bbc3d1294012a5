package dev.sluice.adapter.aws.codec;

import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.QueueMessage;

/**
 * The JSON form of sluice's records, as they travel on queues, sit in S3 and reach events: each shape is a wire
 * record in this package ({@link EnvelopeWire}, {@link HopTraceWire}, {@link JobWire}, ...) whose field names are
 * fixed there, so they never change with a domain record's Java shape, bound by {@link WireJson}'s one mapper.
 * Ids are strings, instants and durations ISO-8601 strings, costs decimal strings (exact), and queue messages and
 * events carry a {@code type} discriminator. Unknown fields are ignored when reading, so that a message or object
 * written by a newer (or older) version still reads. {@code src/test/resources/golden/} holds every shape.
 *
 * <p>Reading throws {@link MalformedJsonException} naming the field at fault, never a Jackson exception.
 */
public final class DomainJson {
    /** The {@code type} of an {@link Envelope} on a queue. */
    public static final String ENVELOPE = "envelope";

    /** The {@code type} of an {@link IngestRequest} on a queue. */
    public static final String INGEST = "ingest";

    private DomainJson() {}

    public static String write(QueueMessage message) {
        return WireJson.write(QueueMessageWire.from(message));
    }

    public static QueueMessage readQueueMessage(String json) {
        return WireJson.read(json, QueueMessageWire.class, QueueMessageWire::toDomain);
    }

    public static String write(HopTrace trace) {
        return WireJson.write(HopTraceWire.from(trace));
    }

    public static HopTrace readHopTrace(String json) {
        return WireJson.read(json, HopTraceWire.class, HopTraceWire::toDomain);
    }

    public static String write(Job job) {
        return WireJson.write(JobWire.from(job));
    }

    public static Job readJob(String json) {
        return WireJson.read(json, JobWire.class, JobWire::toDomain);
    }

    public static String write(HopRecord record) {
        return WireJson.write(HopRecordWire.from(record));
    }

    public static HopRecord readHopRecord(String json) {
        return WireJson.read(json, HopRecordWire.class, HopRecordWire::toDomain);
    }

    public static String write(Batch batch) {
        return WireJson.write(BatchWire.from(batch));
    }

    public static Batch readBatch(String json) {
        return WireJson.read(json, BatchWire.class, BatchWire::toDomain);
    }

    public static String write(DomainEvent event) {
        return WireJson.write(DomainEventWire.from(event));
    }

    public static DomainEvent readDomainEvent(String json) {
        return WireJson.read(json, DomainEventWire.class, DomainEventWire::toDomain);
    }

    /** The EventBridge {@code detail} of {@code event}, its result or failure reason cut to {@code maxTextChars}. */
    public static String writeEventDetail(DomainEvent event, int maxTextChars) {
        return WireJson.write(EventDetailWire.from(event, maxTextChars));
    }
}
