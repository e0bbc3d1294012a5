package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.domain.model.TokenUsage;

/** The token counts every record and event carries: {@code {"input":..,"output":..,"cachedInput":..}}. */
record UsageWire(
        @JsonProperty(required = true) long input,
        @JsonProperty(required = true) long output,
        @JsonProperty(required = true) long cachedInput) {
    static UsageWire from(TokenUsage u) {
        return new UsageWire(u.input(), u.output(), u.cachedInput());
    }

    TokenUsage toDomain() {
        return WireJson.build("usage", () -> new TokenUsage(input, output, cachedInput));
    }
}
