package dev.sluice.bootstrap.finalizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
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
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * The finalizer's last delivery of a message whose handling throws an error, not an exception (a stack overflow):
 * the job ends FAILED with a reason before the message dead-letters, instead of staying RUNNING.
 */
class FinalizerLastDeliveryTest {
    private static final int MAX_RECEIVE_COUNT = 5;
    private static final TenantId TENANT = new TenantId("acme");

    private final Clock clock = Clock.systemUTC();
    private final SluiceConfig config = ConfigSource.bundled();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    private final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final FinalizeJobService real =
            new FinalizeJobService(config, jobs, events, Telemetry.NONE, new JacksonStructuredOutput(), clock);
    /** Finalizing overflows the stack (a defect anywhere below); abandoning works. */
    private final FinalizeJob overflowing = new FinalizeJob() {
        @Override
        public HopOutcome finalizeJob(Envelope envelope) {
            return new HopOutcome.Failed("depth " + deeper(0));
        }

        @Override
        public void abandon(Envelope envelope, String reason) {
            real.abandon(envelope, reason);
        }
    };

    private static int deeper(int depth) {
        return deeper(depth + 1) + 1;
    }

    /**
     * A classify job whose one hop ran: RUNNING, its finalize message sent. Its answer is not the JSON the guardrails
     * want, so the processor left ending the job to the finalizer (one that passes ends with its memo).
     */
    private Job answered() {
        ScriptedLanguageModel model = new ScriptedLanguageModel();
        model.answerWith(call -> "billing, I think");
        SubmitJob.Result submitted = new SubmitJobService(config, jobs, work, clock)
                .submit(new SubmitJob.Command(
                        TENANT, "classify", Map.of("text", "refund me"), Optional.empty(), CorrelationId.random()));
        Job job = ((SubmitJob.Result.Accepted) submitted).job();
        new RunHopService(
                        config,
                        // The guardrails read the answer as the finalizer's do.
                        InMemoryPorts.of(
                                clock,
                                jobs,
                                work,
                                finalize,
                                model,
                                new InMemoryTraceStore(),
                                events,
                                384,
                                new JacksonStructuredOutput()),
                        clock,
                        new SplittableRandom(3))
                .run((Envelope) work.receiveVisible().getFirst());
        return jobs.find(job.id()).orElseThrow();
    }

    private SQSBatchResponse deliver(int attempt) {
        Envelope envelope = (Envelope) finalize.sent().getFirst().message();
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-" + attempt);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        FinalizerHandler handler = new FinalizerHandler(
                overflowing,
                r -> envelope.withAttempt(attempt),
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("finalizer")
                        .build(),
                MAX_RECEIVE_COUNT);
        return handler.handleRequest(event, new TestContext());
    }

    @Test
    void aStackOverflowOnTheLastDeliveryFailsTheJobWithAReasonAndTheMessageDeadLetters() {
        Job job = answered();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);

        try (CapturedLogs logs = CapturedLogs.start()) {
            SQSBatchResponse early = deliver(MAX_RECEIVE_COUNT - 1);
            assertThat(early.getBatchItemFailures()).as("to be delivered again").hasSize(1);
            assertThat(jobs.find(job.id()).orElseThrow().status())
                    .as("not yet the last delivery")
                    .isEqualTo(JobStatus.RUNNING);

            SQSBatchResponse last = deliver(MAX_RECEIVE_COUNT);
            assertThat(last.getBatchItemFailures())
                    .as("failed, so SQS moves it to the dead-letter queue")
                    .singleElement()
                    .satisfies(f -> assertThat(f.getItemIdentifier()).isEqualTo("m-" + MAX_RECEIVE_COUNT));
            Job failed = jobs.find(job.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.failureReason())
                    .contains(
                            "the answer could not be finalized: every one of its 5 deliveries failed (internal error)");
            assertThat(events.events()).extracting(e -> e.type()).containsExactly("job.failed");
            assertThat(logs.at(Level.ERROR))
                    .as("the operator reads what was thrown")
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line)
                            .startsWith("message m-")
                            .contains("failed and will be retried")
                            .contains("java.lang.StackOverflowError"));
        }
    }
}
