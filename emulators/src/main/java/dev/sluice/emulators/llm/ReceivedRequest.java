package dev.sluice.emulators.llm;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request the simulator received, as it arrived; header names are lower case, {@code path} is decoded and {@code
 * protocol} is {@code HTTP/1.1} or {@code HTTP/2.0}.
 */
public record ReceivedRequest(
        Provider provider,
        String model,
        String method,
        String path,
        Map<String, List<String>> headers,
        String body,
        Instant receivedAt,
        String protocol) {
    public ReceivedRequest {
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
