package dev.sluice.emulators.llm;

import java.time.Instant;
import java.util.Objects;

/**
 * How the simulator answered one chat request (embeddings are not recorded), for benchmarks that look at when calls
 * arrived and how they were answered.
 *
 * @param receivedAt when the request arrived, on the simulator's clock
 * @param answeredAt when the answer was about to be written, after any latency or hang
 * @param status the HTTP status answered
 * @param outcome as in {@link LlmSimulator#outcomes()}: {@code answered}, {@code malformed}, {@code throttled},
 *     {@code hung} (a hang answered 504), or {@code error 500} and the like for the other statuses
 */
public record ChatOutcome(String model, Instant receivedAt, Instant answeredAt, int status, String outcome) {
    public ChatOutcome {
        Objects.requireNonNull(model, "'model' must not be null");
        Objects.requireNonNull(receivedAt, "'receivedAt' must not be null");
        Objects.requireNonNull(answeredAt, "'answeredAt' must not be null");
        Objects.requireNonNull(outcome, "'outcome' must not be null");
    }
}
