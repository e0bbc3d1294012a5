package dev.sluice.bootstrap.dispatcher;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemorySpendLedger;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.QueryUsageService;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/** The real dispatcher handler over in-memory fakes, fed API Gateway (v2) and EventBridge events as raw JSON. */
final class TestDispatcher {
    /**
     * Writes every non-ASCII character as a JSON escape, as a proxy may: an unpaired surrogate then reaches the
     * handler as {@code \\uD800} inside the event, which is what a hostile client can make API Gateway deliver.
     */
    private static final ObjectMapper EVENTS =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    final SluiceConfig config = ConfigSource.bundled();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final InMemoryWorkQueue work = new InMemoryWorkQueue(Clock.systemUTC());
    final InMemoryWorkQueue ingest = new InMemoryWorkQueue(Clock.systemUTC());
    final DispatcherHandler handler;

    /** As the local runtime runs it: the tenant header trusted, with the deployment's lists too. */
    TestDispatcher() {
        this(new Callers(
                "sub",
                Map.of("OrdersService", "acme"),
                java.util.Set.of("SluiceOperator"),
                Map.of("orders.app", "acme"),
                true));
    }

    TestDispatcher(Callers callers) {
        SubmitJobService submit = new SubmitJobService(config, jobs, work, Clock.systemUTC());
        handler = new DispatcherHandler(
                new HttpApi(
                        submit,
                        new SubmitBatchService(config, jobs, work, Clock.systemUTC()),
                        new QueryJobService(jobs, new InMemoryTraceStore()),
                        new QueryUsageService(config, new InMemorySpendLedger(), Clock.systemUTC()),
                        new IngestDocumentsService(config, new HashingEmbedder(384), new InMemoryVectorStore(), ingest),
                        new RetryJobService(jobs, work, work, Clock.systemUTC())),
                submit,
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("dispatcher")
                        .build(),
                callers);
    }

    /** What a client sees: status, headers and the parsed body. */
    record Answer(int status, JsonNode headers, JsonNode body) {}

    Answer http(String method, String path, String body, Map<String, String> headers) throws Exception {
        return http(method, path, body, false, headers);
    }

    /** An API Gateway HTTP API (v2) event with the fields the dispatcher reads. */
    static ObjectNode httpEvent(String method, String path, String body, boolean base64, Map<String, String> headers) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("rawPath", path);
        event.putObject("requestContext").putObject("http").put("method", method);
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        if (body != null) {
            event.put("body", body);
        }
        event.put("isBase64Encoded", base64);
        return event;
    }

    Answer http(String method, String path, String body, boolean base64, Map<String, String> headers) throws Exception {
        ObjectNode event = httpEvent(method, path, body, base64, headers);
        JsonNode response = invoke(EVENTS.writeValueAsString(event));
        return new Answer(
                response.get("statusCode").asInt(),
                response.get("headers"),
                Json.MAPPER.readTree(response.get("body").asText()));
    }

    JsonNode event(ObjectNode event) throws Exception {
        return invoke(EVENTS.writeValueAsString(event));
    }

    private JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.US_ASCII)), out, new TestContext());
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
