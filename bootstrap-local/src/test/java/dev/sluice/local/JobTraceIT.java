package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.console.Span;
import dev.sluice.bootstrap.shared.JobTraceIds;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One distributed trace per job, on the local stack with the real handlers: the dispatcher's "job accepted" is the
 * root, every delivery of every hop and the finalizer is a span of the same trace linked to the span that sent its
 * message, and that holds for a hop deferred by a provider's 429, a message redelivered after its visibility timeout
 * (one that carries no trace context at all), and a job redriven from the dead-letter queue. The hop spans carry the
 * job, tenant, model, tokens and cost the job's own record shows.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class JobTraceIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String FALLBACK = "claude-haiku-4-5";
    private static final String TENANT = "trace-tenant";

    private static LocalSluice local;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-trace-it"),
                0,
                Duration.ofMillis(20),
                0,
                Duration.ofSeconds(2),
                2,
                10));
        local.simulator().configure(MODEL, ModelBehaviour.DEFAULT.withLatency(Latency.ofMillis(150, 250)));
        api = new ApiClient(local.api(), TENANT);
        ApiClient.Reply ingest = api.post("/v1/documents", DemoRun.corpus("docs"));
        assertThat(ingest.status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void aChainDeferredAndRedeliveredIsOneTraceFromTheDispatcherToTheFinalizer() throws Exception {
        local.simulator().throttleNext(MODEL, Duration.ofSeconds(1), 1);
        JsonNode accepted = submit("research", "How does sluice trace a job? " + UUID.randomUUID());
        String id = accepted.path("jobId").asText();
        // A copy of hop 1's message, arriving while the job is still at hop 0 and carrying no trace context: it is
        // returned to the queue and delivered again once its visibility timeout passes.
        Envelope early = new Envelope(
                new JobId(id),
                new TenantId(TENANT),
                new CorrelationId(accepted.path("correlationId").asText()),
                "research",
                1,
                1,
                Optional.empty());
        local.sqs().sendMessage(r -> r.queueUrl(local.queueUrl(QueueRole.WORK)).messageBody(DomainJson.write(early)));
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.WORK), Duration.ofMinutes(1));

        List<Span> spans = awaitSpans(id, s -> s.name().equals("finalize"));
        assertOneConnectedTrace(id, spans);

        // Three hops advanced, the last completed, and the finalizer ended the job: each a child of the span that
        // sent its message.
        Span root = only(spans, s -> s.name().equals("job accepted"));
        assertThat(root.attributes())
                .containsEntry("sluice.job_id", id)
                .containsEntry("sluice.tenant", TENANT)
                .containsEntry("sluice.pipeline", "research");
        Span deferred = only(spans, s -> outcome(s, "deferred"));
        assertThat(deferred.attributes()).containsEntry("sluice.hop", "0");
        assertThat(deferred.parentSpanId()).isEqualTo(root.spanId());
        assertThat(deferred.events()).anyMatch(e -> e.startsWith("throttled"));
        Span hop0 = only(spans, s -> hop(s, 0) && outcome(s, "advanced"));
        assertThat(hop0.parentSpanId())
                .as("the deferred hop runs as a child of the delivery that deferred it")
                .isEqualTo(deferred.spanId());
        Span hop1 = only(spans, s -> hop(s, 1) && outcome(s, "advanced"));
        Span hop2 = only(spans, s -> hop(s, 2) && outcome(s, "completed"));
        assertThat(hop2.parentSpanId()).isEqualTo(hop1.spanId());
        Span finalize = only(spans, s -> s.name().equals("finalize") && outcome(s, "completed"));
        assertThat(finalize.parentSpanId()).isEqualTo(hop2.spanId());
        assertThat(finalize.attributes()).containsEntry("sluice.function", "finalizer");

        // The early copy: refused while the job was at hop 0, delivered again (its receive count up), and joined to
        // the job's root though it carried no traceparent.
        List<Span> refused =
                spans.stream().filter(s -> hop(s, 1) && outcome(s, "retry")).toList();
        assertThat(refused)
                .as(describe(spans))
                .isNotEmpty()
                .allMatch(s -> s.parentSpanId().equals(root.spanId()));
        assertThat(spans)
                .as("the early copy was redelivered")
                .anyMatch(s -> hop(s, 1) && Integer.parseInt(s.attributes().get("sluice.attempt")) >= 2);

        // What the spans say a job cost is what the job says: the answered calls' tokens and prices.
        List<Span> answered = spans.stream()
                .filter(s -> s.attributes().containsKey("sluice.cost_usd"))
                .toList();
        assertThat(answered)
                .hasSize(3)
                .allSatisfy(s -> assertThat(s.attributes())
                        .containsEntry("sluice.tenant", TENANT)
                        .containsEntry("sluice.job_id", id)
                        .containsEntry("sluice.model", "fast"));
        long input = answered.stream()
                .mapToLong(s -> Long.parseLong(s.attributes().get("gen_ai.usage.input_tokens")))
                .sum();
        long output = answered.stream()
                .mapToLong(s -> Long.parseLong(s.attributes().get("gen_ai.usage.output_tokens")))
                .sum();
        double cost = answered.stream()
                .mapToDouble(s -> Double.parseDouble(s.attributes().get("sluice.cost_usd")))
                .sum();
        assertThat(input)
                .isPositive()
                .isEqualTo(done.path("tokens").path("input").asLong());
        assertThat(output)
                .isPositive()
                .isEqualTo(done.path("tokens").path("output").asLong());
        double jobCost = new BigDecimal(done.path("costUsd").asText()).doubleValue();
        assertThat(cost).isPositive().isCloseTo(jobCost, within(jobCost * 0.001));
    }

    @Test
    void aJobRedrivenFromTheDeadLetterQueueStaysInItsTrace() throws Exception {
        // The model and its fallback refuse the first call: the job fails at hop 0.
        local.simulator().failNext(MODEL, 400, 1).failNext(FALLBACK, 400, 1);
        JsonNode accepted = submit("rag", "Why are traces joined by job? " + UUID.randomUUID());
        String id = accepted.path("jobId").asText();
        awaitStatus(id, "FAILED");
        // Its message in the dead-letter queue, as a last delivery leaves it (no attributes), redriven as an operator
        // does it: the job is retried and succeeds.
        Envelope dead = new Envelope(
                new JobId(id),
                new TenantId(TENANT),
                new CorrelationId(accepted.path("correlationId").asText()),
                "rag",
                0,
                1,
                Optional.empty());
        local.sqs()
                .sendMessage(r ->
                        r.queueUrl(local.deadLetterQueueUrl(QueueRole.WORK)).messageBody(DomainJson.write(dead)));
        List<String> report = Redriver.redrive(
                local.sqsEndpoint(),
                List.of(new DeadLetterQueues.Route(
                        "work", local.deadLetterQueueUrl(QueueRole.WORK), local.queueUrl(QueueRole.WORK))),
                envelope -> new ApiClient(local.api(), envelope.tenant().value())
                        .post("/v1/jobs/" + envelope.jobId().value() + "/retry", Map.of()));
        assertThat(report).hasSize(1);
        awaitStatus(id, "SUCCEEDED");

        List<Span> spans = awaitSpans(id, s -> s.name().equals("finalize") && outcome(s, "completed"));
        assertOneConnectedTrace(id, spans);
        assertThat(spans).anyMatch(s -> hop(s, 0) && outcome(s, "failed") && s.error());
        assertThat(spans).anyMatch(s -> hop(s, 0) && outcome(s, "completed"));
    }

    /** Every span in the job's trace; exactly one root, the dispatcher's, with the job's ids; every parent present. */
    private static void assertOneConnectedTrace(String id, List<Span> spans) {
        JobId job = new JobId(id);
        assertThat(spans).allMatch(s -> s.traceId().equals(JobTraceIds.traceId(job)));
        List<Span> roots =
                spans.stream().filter(s -> s.parentSpanId().isEmpty()).toList();
        assertThat(roots).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("job accepted");
            assertThat(r.spanId()).isEqualTo(JobTraceIds.rootSpanId(job));
            assertThat(r.attributes()).containsEntry("sluice.function", "dispatcher");
        });
        Set<String> ids = spans.stream().map(Span::spanId).collect(Collectors.toSet());
        assertThat(spans.stream().filter(s -> !s.parentSpanId().isEmpty()))
                .as("every span's parent is a span of the trace")
                .allMatch(s -> ids.contains(s.parentSpanId()));
        assertThat(spans.stream().filter(s -> s.name().startsWith("hop ")))
                .allSatisfy(s -> assertThat(s.attributes())
                        .containsEntry("sluice.job_id", id)
                        .containsEntry("sluice.tenant", TENANT)
                        .containsEntry("sluice.function", "processor"));
    }

    private static boolean outcome(Span s, String outcome) {
        return outcome.equals(s.attributes().get("sluice.outcome"));
    }

    private static boolean hop(Span s, int hop) {
        return s.name().startsWith("hop ")
                && Integer.toString(hop).equals(s.attributes().get("sluice.hop"));
    }

    private static Span only(List<Span> spans, Predicate<Span> which) {
        List<Span> found = spans.stream().filter(which).toList();
        assertThat(found).as(describe(spans)).hasSize(1);
        return found.getFirst();
    }

    private static String describe(List<Span> spans) {
        return spans.stream()
                .map(s -> s.name() + " " + s.spanId() + "<-" + s.parentSpanId() + " " + s.attributes())
                .collect(Collectors.joining("\n"));
    }

    private static List<Span> awaitSpans(String id, Predicate<Span> last) throws InterruptedException {
        String traceId = JobTraceIds.traceId(new JobId(id));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Span> spans = LocalSpans.INSTANCE.trace(traceId);
        while (System.nanoTime() < deadline && spans.stream().noneMatch(last)) {
            Thread.sleep(100);
            spans = LocalSpans.INSTANCE.trace(traceId);
        }
        assertThat(spans).as(describe(spans)).anyMatch(last);
        return spans;
    }

    private static JsonNode submit(String pipeline, String question) {
        ApiClient.Reply reply =
                api.post("/v1/jobs", Map.of("pipeline", pipeline, "input", Map.of("question", question)));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return api.get("/v1/jobs/" + reply.body().path("jobId").asText()).body();
    }

    private static JsonNode awaitStatus(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode job = api.get("/v1/jobs/" + id).body();
        while (System.nanoTime() < deadline && !job.path("status").asText().equals(status)) {
            Thread.sleep(100);
            job = api.get("/v1/jobs/" + id).body();
        }
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo(status);
        return job;
    }
}
