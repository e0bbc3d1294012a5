package dev.sluice.adapter.aws.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.AwsJsonFake;
import dev.sluice.adapter.aws.AwsJsonFake.Response;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

class EventBridgePublisherIT {
    private static final String PUT_EVENTS = "AWSEvents.PutEvents";
    private static final String OK = "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-01-01T00:05:00Z");

    private AwsJsonFake aws;
    private EventBridgeClient client;
    private EventBridgePublisher publisher;

    @BeforeEach
    void start() {
        aws = new AwsJsonFake();
        client = AwsClients.eventBridge(AwsClientSettings.local(aws.endpoint(), "test", "test"));
        publisher = new EventBridgePublisher(client, new EventBridgeSettings("sluice-dev-bus", "sluice", 100));
        aws.answer(PUT_EVENTS, r -> Response.ok(OK));
    }

    @AfterEach
    void stop() {
        client.close();
        aws.close();
    }

    private static Job completedJob(String answer) {
        Job job = Fixtures.job()
                .advancedWith(Fixtures.hop(0, "draft", "d"), Fixtures.T0)
                .advancedWith(Fixtures.hop(1, "final", answer), Fixtures.T0);
        return job.succeeded(answer, AT);
    }

    /** The single entry of the single PutEvents call, as the SDK put it on the wire. */
    private JsonNode sentEntry() throws Exception {
        assertThat(aws.requests()).hasSize(1);
        AwsJsonFake.Request request = aws.requests().getFirst();
        assertThat(request.target()).isEqualTo(PUT_EVENTS);
        assertThat(request.contentType()).startsWith("application/x-amz-json-1.1");
        assertThat(request.authorization()).contains("/events/aws4_request");
        JsonNode entries = JSON.readTree(request.body()).path("Entries");
        assertThat(entries.size()).isEqualTo(1);
        return entries.get(0);
    }

    private static JsonNode detail(JsonNode entry) throws Exception {
        return JSON.readTree(entry.path("Detail").asText());
    }

    @Test
    void aCompletedJobIsAnnouncedWithItsResultCostAndTokens() throws Exception {
        Job job = completedJob("Rayleigh scattering.");
        publisher.publish(new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT));

        JsonNode entry = sentEntry();
        assertThat(entry.path("Source").asText()).isEqualTo("sluice");
        assertThat(entry.path("DetailType").asText()).isEqualTo("job.completed");
        assertThat(entry.path("EventBusName").asText()).isEqualTo("sluice-dev-bus");
        assertThat(entry.path("Time").asLong()).isEqualTo(AT.getEpochSecond());
        JsonNode detail = detail(entry);
        assertThat(detail.path("jobId").asText()).isEqualTo(job.id().value());
        assertThat(detail.path("tenant").asText()).isEqualTo("acme");
        assertThat(detail.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(detail.path("result").asText()).isEqualTo("Rayleigh scattering.");
        assertThat(detail.path("resultTruncated").asBoolean()).isFalse();
        assertThat(detail.path("correlationId").asText())
                .isEqualTo(job.correlationId().value());
        assertThat(detail.path("cost").asText()).isEqualTo("0.000054");
        assertThat(detail.path("tokens").path("input").asLong()).isEqualTo(200);
        assertThat(detail.path("tokens").path("output").asLong()).isEqualTo(40);
        assertThat(detail.has("failureReason")).isFalse();
    }

    @Test
    void aLongResultIsCutAndFlagged() throws Exception {
        Job job = completedJob("x".repeat(5_000));
        publisher.publish(new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT));

        JsonNode detail = detail(sentEntry());
        assertThat(detail.path("result").asText()).hasSize(100);
        assertThat(detail.path("resultTruncated").asBoolean()).isTrue();
    }

    @Test
    void aFailedJobIsAnnouncedWithItsReason() throws Exception {
        Job job = Fixtures.job().failed("model 'fast' refused: content filtered", AT);
        publisher.publish(new DomainEvent.JobFailed(job, job.correlationId(), job.tenant(), AT));

        JsonNode entry = sentEntry();
        assertThat(entry.path("DetailType").asText()).isEqualTo("job.failed");
        JsonNode detail = detail(entry);
        assertThat(detail.path("status").asText()).isEqualTo("FAILED");
        assertThat(detail.path("failureReason").asText()).isEqualTo("model 'fast' refused: content filtered");
        assertThat(detail.has("result")).isFalse();
    }

    @Test
    void aCompletedBatchIsAnnouncedWithItsCounters() throws Exception {
        Batch batch = new Batch(
                new BatchId("bat_1"),
                Fixtures.TENANT,
                "two-hop",
                List.of(JobId.random(), JobId.random(), JobId.random()),
                2,
                1,
                new CorrelationId("corr-b"),
                Fixtures.T0);
        publisher.publish(new DomainEvent.BatchCompleted(batch, batch.correlationId(), batch.tenant(), AT));

        JsonNode entry = sentEntry();
        assertThat(entry.path("DetailType").asText()).isEqualTo("batch.completed");
        JsonNode detail = detail(entry);
        assertThat(detail.path("batchId").asText()).isEqualTo("bat_1");
        assertThat(detail.path("total").asInt()).isEqualTo(3);
        assertThat(detail.path("succeeded").asInt()).isEqualTo(2);
        assertThat(detail.path("failed").asInt()).isEqualTo(1);
        assertThat(detail.path("correlationId").asText()).isEqualTo("corr-b");
    }

    @Test
    void anEntryRefusedInsideASuccessfulCallIsTransient() {
        aws.answer(
                PUT_EVENTS,
                r -> Response.ok("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\","
                        + "\"ErrorMessage\":\"try again\"}]}"));
        Job job = completedJob("answer");

        assertThatThrownBy(() ->
                        publisher.publish(new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT)))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("InternalFailure")
                .hasMessageContaining("job.completed");
    }

    @Test
    void aMissingBusIsPermanent() {
        aws.answer(
                PUT_EVENTS,
                r -> Response.error(400, "ResourceNotFoundException", "Event bus sluice-dev-bus does not exist."));
        Job job = completedJob("answer");

        assertThatThrownBy(() ->
                        publisher.publish(new DomainEvent.JobCompleted(job, job.correlationId(), job.tenant(), AT)))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("sluice-dev-bus");
    }
}
