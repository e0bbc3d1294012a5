package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.SemanticHit;

/** A hop the semantic cache answered: how alike its inputs were, and whose answer it reused. */
record SemanticWire(
        @JsonProperty(required = true) double similarity,
        @JsonProperty(required = true) String fromJob) {
    static SemanticWire from(SemanticHit hit) {
        return new SemanticWire(hit.similarity(), hit.fromJob().value());
    }

    SemanticHit toDomain() {
        return new SemanticHit(similarity, new JobId(fromJob));
    }
}
