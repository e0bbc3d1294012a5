package dev.sluice.bootstrap.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.llm.output.JacksonStructuredOutput;
import dev.sluice.bootstrap.shared.CapturedLogs;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.engine.FinalizeJobService;
import dev.sluice.domain.engine.RunHopService;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryPorts;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.fake.ScriptedLanguageModel;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * The processor handler over the real engine and in-memory ports: a provider's refusal fails the job with a reason the
 * tenant may read, while what the provider said goes to the operator alone (a WARN line, the trace); INFO lines carry
 * identifiers, never the prompt, the input, the answer or the provider's body.
 */
class ProcessorLogsTest {
    private static final String INPUT = "invoice 88-PRIVATE-INPUT-TEXT-5d1e is wrong";
    private static final String PROVIDER_BODY = "{\"error\":{\"message\":\"denied by internal-host-10.0.0.7 for key"
            + " sk-live-123\",\"type\":\"invalid_request_error\"}}";
    private static final TenantId TENANT = new TenantId("acme");

    private final Clock clock = Clock.systemUTC();
    private final SluiceConfig config = ConfigSource.bundled();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    private final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
    private final InMemoryTraceStore traces = new InMemoryTraceStore();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final ScriptedLanguageModel model = new ScriptedLanguageModel();
    private final QueryJobService query = new QueryJobService(jobs, traces);
    private final ProcessorHandler processor = new ProcessorHandler(
            new RunHopService(
                    config,
                    InMemoryPorts.of(
                            clock, jobs, work, finalize, model, traces, events, 384, new JacksonStructuredOutput()),
                    clock,
                    new SplittableRandom(3)),
            new FinalizeJobService(config, jobs, events, Telemetry.NONE, new JacksonStructuredOutput(), clock),
            record -> DomainJson.readQueueMessage(record.getBody()),
            MetricsBuilder.builder()
                    .withNamespace("SluiceTest")
                    .withService("processor")
                    .build(),
            5);

    private Job submit() {
        SubmitJob.Result result = new SubmitJobService(config, jobs, work, clock)
                .submit(new SubmitJob.Command(
                        TENANT, "classify", Map.of("text", INPUT), Optional.empty(), CorrelationId.random()));
        return ((SubmitJob.Result.Accepted) result).job();
    }

    /** Delivers what the work queue holds to the handler, as SQS would. */
    private void deliver() {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (QueueMessage m : work.receiveVisible()) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("m-" + records.size());
            record.setBody(DomainJson.write(m));
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        processor.handleRequest(event, new TestContext());
    }

    @Test
    void aProvidersRefusalFailsTheJobInTheTenantsWordsAndOnlyTheOperatorReadsTheProvidersOwn() {
        for (String modelId : List.of("gpt-4o-mini", "claude-haiku-4-5")) {
            model.failAlways(
                    modelId,
                    new PermanentException(
                            modelId + " answered 400: " + PROVIDER_BODY,
                            FailureKind.INVALID_REQUEST,
                            400,
                            new IllegalStateException("POST https://internal-host-10.0.0.7/v1: " + PROVIDER_BODY)));
        }
        Job job = submit();

        try (CapturedLogs logs = CapturedLogs.start()) {
            deliver();

            Job failed = query.job(TENANT, job.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            String reason = failed.failureReason().orElseThrow();
            assertThat(reason)
                    .isEqualTo("step 'label': no model could answer: the provider of model 'fast' refused the request"
                            + " (HTTP 400, invalid request); the provider of model 'steady' refused the request"
                            + " (HTTP 400, invalid request)");
            DomainEvent.JobFailed announced =
                    (DomainEvent.JobFailed) events.events().getFirst();
            for (String leak : List.of("internal-host", "10.0.0.7", "sk-live-123", "Exception", "http")) {
                assertThat(reason).doesNotContain(leak);
                assertThat(announced.job().failureReason().orElseThrow()).doesNotContain(leak);
            }
            assertThat(query.traceForOperator(job.id()).orElseThrow().getFirst().errors())
                    .singleElement()
                    .asString()
                    .contains("sk-live-123", "internal-host-10.0.0.7");

            assertThat(logs.at(Level.WARN))
                    .as("the operator's line: the reason and what the providers said")
                    .singleElement()
                    .asString()
                    .startsWith("hop 0 attempt 1: job failed: " + reason + "; detail: step 'label': model 'fast':")
                    .contains("sk-live-123")
                    .contains("job_id=" + job.id());
            assertThat(logs.at(Level.INFO))
                    .allSatisfy(line -> assertThat(line)
                            .doesNotContain("sk-live-123", "internal-host", "invalid_request_error")
                            .doesNotContain("88-PRIVATE-INPUT-TEXT-5d1e"));
            assertThat(logs.lines()).allSatisfy(line -> assertThat(line.text()).doesNotContain("88-PRIVATE-INPUT"));
        }
    }

    @Test
    void anAnsweredHopLogsItsOutcomeByIdentifiersOnly() {
        model.answerWith(call -> "{\"label\": \"BILLING-ANSWER-TEXT-0b7c\", \"confidence\": 0.9}");
        Job job = submit();

        try (CapturedLogs logs = CapturedLogs.start()) {
            deliver();

            assertThat(jobs.find(job.id()).orElseThrow().hops()).hasSize(1);
            assertThat(logs.at(Level.INFO))
                    .singleElement()
                    .asString()
                    .startsWith("hop 0 attempt 1: completed")
                    .contains("job_id=" + job.id(), "tenant=acme", "pipeline=classify");
            assertThat(logs.lines())
                    .allSatisfy(line -> assertThat(line.text())
                            .doesNotContain("88-PRIVATE-INPUT-TEXT-5d1e")
                            .doesNotContain("BILLING-ANSWER-TEXT-0b7c"));
        }
    }
}
