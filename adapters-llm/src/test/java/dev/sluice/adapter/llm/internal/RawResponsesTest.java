package dev.sluice.adapter.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawResponsesTest {
    @Test
    void keepsTheBodyAndTheHeadersUntilTaken() {
        RawResponses.clear();
        RawResponses.offer("{\"ok\":true}", Map.of("X-RateLimit-Limit-Requests", List.of("500")));

        RawResponses.Captured captured = RawResponses.take().orElseThrow();

        assertThat(captured.body()).isEqualTo("{\"ok\":true}");
        assertThat(captured.headers()).containsEntry("x-ratelimit-limit-requests", List.of("500"));
        assertThat(captured.headers().get("X-RATELIMIT-LIMIT-REQUESTS")).containsExactly("500");
        assertThat(RawResponses.take()).isEmpty();
    }

    @Test
    void aBodyWithoutHeadersAndAClearedSlot() {
        RawResponses.offer("body");
        assertThat(RawResponses.take().orElseThrow().headers()).isEmpty();

        RawResponses.offer("stale", Map.of());
        RawResponses.clear();
        assertThat(RawResponses.take()).isEmpty();
        assertThat(RawResponses.Captured.NONE.body()).isEmpty();
    }
}
