package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.CapturedLogs;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.JobId;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * What the dispatcher logs of a submission: identifiers, sizes and statuses. A job's input (up to 256 KiB of a
 * tenant's text) and a duplicate's result are answered to the caller, never written to the log.
 */
class DispatcherLogsTest {
    private static final String INPUT = "my account number is 4417-SECRET-QUESTION-7f3a, why was I charged twice?";
    private static final String RESULT = "You were charged twice because of ANSWER-TEXT-91c2.";

    private final TestDispatcher sluice = new TestDispatcher();

    @Test
    void aSubmittedJobsInputAndADuplicatesResultNeverReachTheLog() throws Exception {
        Map<String, String> headers = Map.of("x-tenant-id", "acme", "idempotency-key", "order-17");
        String body = Json.MAPPER.writeValueAsString(Map.of("pipeline", "rag", "input", Map.of("question", INPUT)));
        TestDispatcher.Answer accepted;
        TestDispatcher.Answer duplicate;
        try (CapturedLogs logs = CapturedLogs.start()) {
            accepted = sluice.http("POST", "/v1/jobs", body, headers);
            JobId id = new JobId(accepted.body().path("jobId").asText());
            sluice.jobs.complete(id, RESULT, Instant.now());
            duplicate = sluice.http("POST", "/v1/jobs", body, headers);
            sluice.http("GET", "/v1/jobs/" + id.value(), null, Map.of("x-tenant-id", "acme"));

            assertThat(logs.at(Level.INFO))
                    .as("a line per request, saying the route and the status")
                    .anyMatch(l -> l.startsWith("POST /v1/jobs -> 202"))
                    .anyMatch(l -> l.startsWith("POST /v1/jobs -> 200"));
            assertThat(logs.lines())
                    .allSatisfy(line -> assertThat(line.text())
                            .doesNotContain("4417-SECRET-QUESTION-7f3a")
                            .doesNotContain("ANSWER-TEXT-91c2"));
        }
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(duplicate.body().path("result").asText())
                .as("the caller still gets its answer")
                .isEqualTo(RESULT);
    }

    @Test
    void aRequestedJobIsLoggedByItsIdTenantPipelineAndSizeAlone() throws Exception {
        ObjectNode event;
        try (InputStream in = getClass().getResourceAsStream("/events/eventbridge-job-requested.json")) {
            event = (ObjectNode) Json.MAPPER.readTree(in);
        }
        ((ObjectNode) event.path("detail").path("input")).put("question", INPUT);
        try (CapturedLogs logs = CapturedLogs.start()) {
            sluice.event(event);
            JobId id = sluice.jobs.all().keySet().iterator().next();
            sluice.jobs.complete(id, RESULT, Instant.now());
            sluice.event(event); // EventBridge delivers at least once

            String accepted = "job.requested -> accepted " + id + " (tenant acme, pipeline rag, "
                    + (INPUT.length() + "question".length()) + " input bytes)";
            String duplicate = "job.requested -> duplicate of " + id + " (tenant acme, pipeline rag, SUCCEEDED)";
            assertThat(logs.at(Level.INFO))
                    .anySatisfy(l -> assertThat(l).startsWith(accepted).contains("correlation_id=orders-17"))
                    .anySatisfy(l -> assertThat(l).startsWith(duplicate));
            assertThat(logs.lines())
                    .allSatisfy(line -> assertThat(line.text())
                            .doesNotContain("4417-SECRET-QUESTION-7f3a")
                            .doesNotContain("ANSWER-TEXT-91c2"));
        }
    }
}
