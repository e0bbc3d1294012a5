package dev.sluice.bootstrap.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.Budget;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.Fixtures;
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
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.usecase.QueryUsage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * The API's response bodies against {@code src/test/resources/golden/}. The job, batch, accepted and error bodies
 * are what the API answered before its views became explicit records; the trace is the one shape that changed
 * (ids and money as strings, as in the job view: see README).
 */
class ViewsGoldenTest {
    static JsonNode fixture(String name) {
        try (InputStream in = ViewsGoldenTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("fixture golden/%s.json", name).isNotNull();
            return Json.MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The body as the dispatcher writes it. */
    static JsonNode written(Object body) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("job-view-queued", Views.job(ViewValues.queuedJob())),
                Arguments.of("job-view-succeeded", Views.job(ViewValues.succeededJob())),
                Arguments.of("job-view-failed", Views.job(ViewValues.failedJob())),
                Arguments.of("job-accepted", Views.accepted(ViewValues.queuedJob())),
                Arguments.of("batch-view", Views.batch(ViewValues.batch())),
                Arguments.of("trace-operator", Views.operatorTrace(new JobId("job_t"), ViewValues.traces())),
                Arguments.of("trace-tenant", Views.tenantTrace(new JobId("job_t"), ViewValues.traces())),
                Arguments.of("documents-accepted", new Views.DocumentsAccepted(2, 1, "corr-d")),
                Arguments.of("usage-view", Views.usage(usageReport())),
                Arguments.of(
                        "retry-outcome",
                        new Views.RetryOutcome("job_f", "reopened", "job job_f is FAILED: reopened at hop 1")),
                Arguments.of(
                        "error",
                        HttpResponse.error(404, "not_found", "no job job_x for this caller")
                                .body()),
                Arguments.of(
                        "error-field",
                        HttpResponse.fieldError(
                                        400,
                                        "invalid_request",
                                        "input.question",
                                        "input.question: is required by pipeline 'rag'")
                                .body()));
    }

    /** Two days of one tenant with a daily budget: one pipeline on two models, another on one. */
    static QueryUsage.Report usageReport() {
        LocalDate first = LocalDate.parse("2026-12-01");
        LocalDate second = LocalDate.parse("2026-12-02");
        List<SpendLedger.Line> lines = List.of(
                new SpendLedger.Line(first, "rag", "fast", 3, 3000, 900, Cost.usd("0.00099")),
                new SpendLedger.Line(first, "rag", "steady", 1, 1000, 300, Cost.usd("0.0025")),
                new SpendLedger.Line(second, "classify", "fast", 2, 400, 60, Cost.usd("0.000096")));
        QueryUsage.Totals rag = new QueryUsage.Totals(4, 4000, 1200, Cost.usd("0.00349"));
        QueryUsage.Totals classify = new QueryUsage.Totals(2, 400, 60, Cost.usd("0.000096"));
        QueryUsage.Totals fast = new QueryUsage.Totals(5, 3400, 960, Cost.usd("0.001086"));
        QueryUsage.Totals steady = new QueryUsage.Totals(1, 1000, 300, Cost.usd("0.0025"));
        QueryUsage.Totals total = new QueryUsage.Totals(6, 4400, 1260, Cost.usd("0.003586"));
        Map<String, QueryUsage.Totals> byPipeline = new LinkedHashMap<>();
        byPipeline.put("classify", classify);
        byPipeline.put("rag", rag);
        Map<String, QueryUsage.Totals> byModel = new LinkedHashMap<>();
        byModel.put("fast", fast);
        byModel.put("steady", steady);
        Map<LocalDate, QueryUsage.Totals> byDay = new LinkedHashMap<>();
        byDay.put(first, rag);
        byDay.put(second, classify);
        return new QueryUsage.Report(
                new TenantId("acme"),
                first,
                second,
                total,
                byPipeline,
                byModel,
                byDay,
                lines,
                new QueryUsage.Standing(
                        new Budget(Optional.of(Cost.usd("5")), Optional.empty(), Budget.OverBudget.WAIT),
                        Cost.usd("0.000096"),
                        Cost.usd("0.003586"),
                        Instant.parse("2026-12-03T00:00:00Z"),
                        Instant.parse("2027-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void eachBodyIsItsFixture(String fixture, Object body) {
        assertThat(written(body)).isEqualTo(fixture(fixture));
    }

    @Test
    void aTraceSpeaksTheJobViewsLanguage() {
        JsonNode hop = fixture("trace-operator").path("hops").get(0);
        JsonNode jobHop = fixture("job-view-succeeded").path("hops").get(0);

        assertThat(hop.path("jobId").isTextual()).isTrue();
        assertThat(hop.path("correlationId").isTextual()).isTrue();
        assertThat(hop.path("costUsd").isTextual()).isTrue();
        assertThat(hop.has("cost")).isFalse();
        for (String field : new String[] {"tokens", "costUsd", "durationMs", "model", "modelId", "cacheHit"}) {
            assertThat(hop.has(field)).as(field).isTrue();
            assertThat(hop.get(field).getNodeType())
                    .as(field)
                    .isEqualTo(jobHop.get(field).getNodeType());
        }
        assertThat(fixture("trace-tenant").path("hops").get(0).has("errors")).isFalse();
    }

    /** Through the handler: what a client reading the routes receives, byte for byte the fixtures' trees. */
    @Test
    void theRoutesAnswerTheFixtures() throws Exception {
        InMemoryJobStore jobs = new InMemoryJobStore();
        InMemoryTraceStore traces = new InMemoryTraceStore();
        InMemoryWorkQueue work = new InMemoryWorkQueue(Clock.systemUTC());
        SluiceConfig config = ConfigSource.bundled();
        SubmitJobService submit = new SubmitJobService(config, jobs, work, Clock.systemUTC());
        DispatcherHandler handler = new DispatcherHandler(
                new HttpApi(
                        submit,
                        new SubmitBatchService(config, jobs, work, Clock.systemUTC()),
                        new QueryJobService(jobs, traces),
                        new QueryUsageService(config, new InMemorySpendLedger(), Clock.systemUTC()),
                        new IngestDocumentsService(config, new HashingEmbedder(384), new InMemoryVectorStore(), work),
                        new RetryJobService(jobs, work, work, Clock.systemUTC())),
                submit,
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("dispatcher")
                        .build(),
                new Callers("sub", Map.of(), java.util.Set.of(), Map.of(), true));
        Job succeeded = ViewValues.succeededJob();
        jobs.create(succeeded);
        jobs.create(Fixtures.job(new JobId("job_t"), Fixtures.TENANT, Map.of("question", "why?")));
        for (HopTrace t : ViewValues.traces()) {
            traces.record(t);
        }

        assertThat(get(handler, "/v1/jobs/job_full")).isEqualTo(fixture("job-view-succeeded"));
        assertThat(get(handler, "/v1/jobs/job_t/trace")).isEqualTo(fixture("trace-operator"));
    }

    private static JsonNode get(DispatcherHandler handler, String path) throws Exception {
        ObjectNode event = TestDispatcher.httpEvent("GET", path, null, false, Map.of("x-tenant-id", "acme"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, new TestContext());
        JsonNode response = Json.MAPPER.readTree(out.toByteArray());
        assertThat(response.path("statusCode").asInt()).as(path).isEqualTo(200);
        return Json.MAPPER.readTree(response.path("body").asText());
    }
}
