package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.Job;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code job.requested} events as a deployed dispatcher takes them: only from listed sources, once per event. */
class EventSourcesTest {
    private final TestDispatcher sluice =
            new TestDispatcher(new Callers("sub", Map.of(), Set.of(), Map.of("orders.app", "acme"), false));

    private static ObjectNode sample() throws Exception {
        try (InputStream in = EventSourcesTest.class.getResourceAsStream("/events/eventbridge-job-requested.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private java.util.List<Job> jobs() {
        return java.util.List.copyOf(sluice.jobs.all().values());
    }

    @Test
    void aListedSourceSubmitsForItsTenantAndARedeliveryIsTheSameJob() throws Exception {
        ObjectNode event = sample();
        sluice.event(event);
        sluice.event(event); // EventBridge delivers at least once, and retries
        assertThat(jobs()).hasSize(1);
        assertThat(jobs().getFirst().tenant().value()).isEqualTo("acme");
        ObjectNode another = sample();
        another.put("id", "7b8f9a0c-0000-4000-8000-000000000001");
        sluice.event(another);
        assertThat(jobs()).as("another event is another job").hasSize(2);
    }

    @Test
    void anyOtherSourceIsRefusedAndRecordsNothing() throws Exception {
        ObjectNode event = sample();
        event.put("source", "sluice");
        sluice.event(event);
        ObjectNode spoofed = sample();
        spoofed.put("source", "attacker.app");
        ((ObjectNode) spoofed.path("detail")).put("tenant", "acme");
        sluice.event(spoofed);
        assertThat(jobs()).isEmpty();
        assertThat(sluice.work.size()).isZero();
    }

    @Test
    void aListedSourceCannotActForAnotherTenant() throws Exception {
        ObjectNode event = sample();
        ((ObjectNode) event.path("detail")).put("tenant", "globex");
        sluice.event(event);
        assertThat(jobs()).isEmpty();
        ObjectNode own = sample();
        ((ObjectNode) own.path("detail")).put("tenant", "acme");
        sluice.event(own);
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void anExplicitIdempotencyKeyStillWins() throws Exception {
        ObjectNode first = sample();
        ((ObjectNode) first.path("detail")).put("idempotencyKey", "order-17");
        ObjectNode second = sample();
        second.put("id", "another-event-id");
        ((ObjectNode) second.path("detail")).put("idempotencyKey", "order-17");
        sluice.event(first);
        sluice.event(second);
        assertThat(jobs()).hasSize(1);
    }
}
