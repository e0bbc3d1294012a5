package dev.sluice.adapter.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.llm.output.JacksonStructuredOutput;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.engine.FinalizeJobService;
import dev.sluice.domain.engine.RunHopService;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryPorts;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.usecase.SubmitJob;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The domain's fallback walk over real adapters: a job whose primary model (OpenAI wire) is down is answered by
 * its fallback (Anthropic wire), and the job record says so.
 */
class FallbackIT {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final LlmSimulator simulator = SharedSimulator.get();
    private final Clock clock = Clock.systemUTC();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    private final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
    private final InMemoryTraceStore traces = new InMemoryTraceStore();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private String primaryId;
    private String backupId;
    private SluiceConfig config;
    private LanguageModel model;
    private SubmitJobService submit;
    private RunHopService runHop;
    private FinalizeJobService finalizer;

    @BeforeEach
    void wire() {
        int run = RUNS.incrementAndGet();
        primaryId = "fallback-primary-" + run;
        backupId = "fallback-backup-" + run;
        String base = simulator.endpoint().toString();
        Map<String, Object> models = new HashMap<>();
        models.put(
                "primary",
                model("openai", primaryId, List.of("backup"), Map.of("baseUrl", base + "/v1", "apiKeySecret", "k")));
        models.put("backup", model("anthropic", backupId, List.of(), Map.of("baseUrl", base + "/v1/")));
        Map<String, Object> root = new HashMap<>();
        root.put("models", models);
        root.put(
                "pipelines",
                Map.of(
                        "ask",
                        Map.of(
                                "inputs",
                                List.of("question"),
                                "steps",
                                List.of(Map.of(
                                        "generate", "answer", "model", "primary", "prompt", "{{input.question}}")))));
        config = ConfigParser.parse(root);
        model = LanguageModels.create(
                config.models().values(), name -> Optional.of("sk-" + name), LanguageModelContract.SETTINGS);
        submit = new SubmitJobService(config, jobs, work, clock);
        runHop = new RunHopService(
                config,
                InMemoryPorts.of(clock, jobs, work, finalize, model, traces, events, 16, new JacksonStructuredOutput()),
                clock,
                new SplittableRandom(7));
        finalizer = new FinalizeJobService(
                config, jobs, new RecordingEventPublisher(), Telemetry.NONE, new JacksonStructuredOutput(), clock);
        simulator.configure(backupId, ModelBehaviour.DEFAULT.withScript("the backup answers"));
    }

    @Test
    void aPermanentlyFailingPrimaryFallsBackToTheNextAlias() {
        simulator.failNext(primaryId, 401, 1);

        Job done = run("Who answers?");

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result()).contains("the backup answers");
        HopRecord hop = done.hops().getFirst();
        assertThat(hop.model()).isEqualTo("backup");
        assertThat(hop.modelId()).isEqualTo(backupId);
        assertThat(hop.fallbacks())
                .singleElement()
                .asString()
                .startsWith("primary (")
                .contains("401");
        assertThat(simulator.calls(primaryId)).isEqualTo(1);
        assertThat(simulator.calls(backupId)).isEqualTo(1);
    }

    @Test
    void whenEveryModelRefusesTheTenantIsToldHowAndOnlyTheOperatorReadsWhatTheProvidersSaid() {
        String secret = "upstream internal-host-10.0.0.7 rejected key sk-live-123";
        simulator.failNext(primaryId, 400, secret, 1);
        simulator.failNext(backupId, 400, secret, 1);
        Job job = ((SubmitJob.Result.Accepted) submit.submit(new SubmitJob.Command(
                        new TenantId("acme"),
                        "ask",
                        Map.of("question", "Who answers?"),
                        Optional.empty(),
                        CorrelationId.random())))
                .job();

        for (QueueMessage m : work.receiveVisible()) {
            runHop.run((Envelope) m);
        }

        Job failed = jobs.find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureReason())
                .contains("step 'answer': no model could answer: the provider of model 'primary' refused the request"
                        + " (HTTP 400, invalid request); the provider of model 'backup' refused the request"
                        + " (HTTP 400, invalid request)");
        assertThat(events.events())
                .singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("job.failed"));
        QueryJobService query = new QueryJobService(jobs, traces);
        for (String leak : List.of("internal-host", "10.0.0.7", "sk-live-123", "Exception", "http")) {
            assertThat(failed.failureReason().orElseThrow()).doesNotContain(leak);
            assertThat(query.trace(new TenantId("acme"), job.id()).orElseThrow().toString())
                    .doesNotContain(leak);
        }
        assertThat(query.traceForOperator(job.id()).orElseThrow().getFirst().errors())
                .singleElement()
                .asString()
                .contains("model 'primary': PermanentException: primary (" + primaryId + ") answered 400")
                .contains("model 'backup': PermanentException: backup (" + backupId + ") answered 400")
                .contains("sk-live-123");
    }

    @Test
    void aPrimaryWithAnOpenCircuitIsSkippedWithoutACall() {
        simulator.failNext(primaryId, 500, 100);
        ModelSpec primary = config.model("primary").orElseThrow();
        for (int i = 0; i < 2; i++) {
            ModelCall call = new ModelCall(primary, "", "warm-up " + i, CorrelationId.random());
            assertThatThrownBy(() -> model.complete(call)).isInstanceOf(TransientException.class);
        }
        assertThatThrownBy(() -> model.complete(new ModelCall(primary, "", "probe", CorrelationId.random())))
                .isInstanceOf(CircuitOpenException.class);
        long primaryCalls = simulator.calls(primaryId);

        Job done = run("Is anyone there?");

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.hops().getFirst().model()).isEqualTo("backup");
        assertThat(done.hops().getFirst().fallbacks()).containsExactly("primary (circuit open)");
        assertThat(simulator.calls(primaryId)).isEqualTo(primaryCalls);
    }

    private Job run(String question) {
        SubmitJob.Result result = submit.submit(new SubmitJob.Command(
                new TenantId("acme"), "ask", Map.of("question", question), Optional.empty(), CorrelationId.random()));
        Job job = ((SubmitJob.Result.Accepted) result).job();
        List<Object> outcomes = new ArrayList<>();
        for (QueueMessage m : work.receiveVisible()) {
            outcomes.add(runHop.run((Envelope) m));
        }
        for (QueueMessage m : finalize.receiveVisible()) {
            outcomes.add(finalizer.finalizeJob((Envelope) m));
        }
        assertThat(outcomes).hasSize(2);
        return jobs.find(job.id()).orElseThrow();
    }

    private static Map<String, Object> model(
            String provider, String id, List<String> fallbacks, Map<String, String> options) {
        Map<String, Object> m = new HashMap<>();
        m.put("provider", provider);
        m.put("model", id);
        m.put("maxOutputTokens", 100);
        m.put("fallbacks", fallbacks);
        m.put("options", options);
        return m;
    }
}
