package dev.sluice.bootstrap.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.llm.output.JacksonStructuredOutput;
import dev.sluice.bootstrap.shared.CapturedLogs;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.TestContext;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.engine.FinalizeJobService;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.RunHop;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;

/**
 * The processor's last delivery of a hop whose run throws an error, not an exception (a stack overflow): the job ends
 * FAILED with a reason before the message dead-letters, instead of staying RUNNING; when even that fails, the
 * delivery still fails and is logged, nothing escapes the batch.
 */
class ProcessorLastDeliveryTest {
    private static final int MAX_RECEIVE_COUNT = 5;
    private static final TenantId TENANT = new TenantId("acme");

    private final Clock clock = Clock.systemUTC();
    private final SluiceConfig config = ConfigSource.bundled();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final FinalizeJob finalizeJob =
            new FinalizeJobService(config, jobs, events, Telemetry.NONE, new JacksonStructuredOutput(), clock);
    /** Running the hop overflows the stack (a defect anywhere below). */
    private final RunHop overflowing = envelope -> new HopOutcome.Failed("depth " + deeper(0));

    private static int deeper(int depth) {
        return deeper(depth + 1) + 1;
    }

    private Job submit() {
        SubmitJob.Result submitted = new SubmitJobService(config, jobs, work, clock)
                .submit(new SubmitJob.Command(
                        TENANT, "classify", Map.of("text", "refund me"), Optional.empty(), CorrelationId.random()));
        return ((SubmitJob.Result.Accepted) submitted).job();
    }

    private SQSBatchResponse deliver(FinalizeJob abandoning, int attempt) {
        Envelope envelope = (Envelope) work.sent().getFirst().message();
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-" + attempt);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        ProcessorHandler processor = new ProcessorHandler(
                overflowing,
                abandoning,
                r -> envelope.withAttempt(attempt),
                MetricsBuilder.builder()
                        .withNamespace("SluiceTest")
                        .withService("processor")
                        .build(),
                MAX_RECEIVE_COUNT);
        return processor.handleRequest(event, new TestContext());
    }

    @Test
    void aStackOverflowOnTheLastDeliveryFailsTheJobWithAReason() {
        Job job = submit();

        try (CapturedLogs logs = CapturedLogs.start()) {
            assertThat(deliver(finalizeJob, MAX_RECEIVE_COUNT - 1).getBatchItemFailures())
                    .hasSize(1);
            assertThat(jobs.find(job.id()).orElseThrow().status().isTerminal())
                    .as("not yet the last delivery")
                    .isFalse();

            assertThat(deliver(finalizeJob, MAX_RECEIVE_COUNT).getBatchItemFailures())
                    .as("failed, so SQS moves it to the dead-letter queue")
                    .hasSize(1);
            Job failed = jobs.find(job.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.failureReason())
                    .contains("hop 0 could not be run: every one of its 5 deliveries failed (internal error)");
            assertThat(logs.at(Level.ERROR))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains("java.lang.StackOverflowError"));
        }
    }

    @Test
    void whenFailingTheJobFailsTooTheDeliveryFailsAndBothErrorsAreLogged() {
        Job job = submit();
        FinalizeJob broken = new FinalizeJob() {
            @Override
            public HopOutcome finalizeJob(Envelope envelope) {
                throw new AssertionError("not called");
            }

            @Override
            public void abandon(Envelope envelope, String reason) {
                throw new IllegalStateException("the job table is unreachable");
            }
        };

        try (CapturedLogs logs = CapturedLogs.start()) {
            assertThat(deliver(broken, MAX_RECEIVE_COUNT).getBatchItemFailures())
                    .hasSize(1);
            assertThat(logs.at(Level.ERROR))
                    .satisfiesExactly(
                            line -> assertThat(line)
                                    .startsWith("job " + job.id().value()
                                            + " could not be failed on its last delivery and may stay RUNNING")
                                    .contains("java.lang.IllegalStateException: the job table is unreachable"),
                            line -> assertThat(line)
                                    .startsWith("message m-5 failed and will be retried")
                                    .contains("java.lang.StackOverflowError"));
        }
    }
}
