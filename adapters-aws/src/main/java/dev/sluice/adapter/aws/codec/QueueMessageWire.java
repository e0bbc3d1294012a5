package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.QueueMessage;

/** A message on a work or ingest queue; its {@code type} says which. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EnvelopeWire.class, name = DomainJson.ENVELOPE),
    @JsonSubTypes.Type(value = IngestWire.class, name = DomainJson.INGEST)
})
sealed interface QueueMessageWire permits EnvelopeWire, IngestWire {
    static QueueMessageWire from(QueueMessage message) {
        return switch (message) {
            case Envelope e -> EnvelopeWire.from(e);
            case IngestRequest i -> IngestWire.from(i);
        };
    }

    QueueMessage toDomain();
}
