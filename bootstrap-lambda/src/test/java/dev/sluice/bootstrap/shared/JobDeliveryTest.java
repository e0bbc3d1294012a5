package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.usecase.FinalizeJob;
import dev.sluice.domain.usecase.HopOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.junit.jupiter.api.Test;

/** Whether SQS may delete a job's message after a delivery, and what the job is told when the last one throws. */
class JobDeliveryTest {
    private static final int MAX_RECEIVE_COUNT = 5;
    private final List<String> abandoned = new ArrayList<>();
    private final FinalizeJob jobs = new FinalizeJob() {
        @Override
        public HopOutcome finalizeJob(Envelope envelope) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abandon(Envelope envelope, String reason) {
            abandoned.add(envelope.jobId().value() + ": " + reason);
        }
    };

    private static Envelope envelope(int attempt) {
        return new Envelope(
                new JobId("job_1"),
                new TenantId("acme"),
                new CorrelationId("c-1"),
                "rag",
                1,
                attempt,
                Optional.empty());
    }

    private boolean deliver(Optional<Envelope> read, HopOutcome outcome) {
        Inbox inbox = r -> read.orElseThrow(() -> new PermanentException("not a message sluice sent", null));
        JobDelivery delivery = new JobDelivery(inbox, jobs, MAX_RECEIVE_COUNT, LogManager.getLogger("test"));
        return delivery.deliver(
                new SQSEvent.SQSMessage(), e -> new JobDelivery.Work("hop 1", "hop 1 could not be run"), e -> outcome);
    }

    @Test
    void doneOutcomesAreDeletedRetriesComeBackAndAnUnreadableMessageComesBackToDeadLetter() {
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Advanced(2)))
                .isTrue();
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Completed()))
                .isTrue();
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Deferred(Duration.ofSeconds(3))))
                .isTrue();
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Duplicate()))
                .isTrue();
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Retry("queue down")))
                .isFalse();
        assertThat(deliver(Optional.empty(), new HopOutcome.Completed())).isFalse();
    }

    @Test
    void aJobFailedOnTheLastDeliveryLeavesItsMessageInTheDeadLetterQueueToBeRead() {
        assertThat(deliver(Optional.of(envelope(1)), new HopOutcome.Failed("bad answer")))
                .isTrue();
        assertThat(deliver(Optional.of(envelope(MAX_RECEIVE_COUNT)), new HopOutcome.Failed("bad answer")))
                .isFalse();
    }

    @Test
    void workThatThrowsOnTheLastDeliveryFailsTheJobFirstAndTheContextIsTheMessages() {
        JobDelivery delivery = new JobDelivery(
                r -> envelope(MAX_RECEIVE_COUNT), jobs, MAX_RECEIVE_COUNT, LogManager.getLogger("test"));
        List<String> seen = new ArrayList<>();
        ThreadContext.put("function_request_id", "req-1");
        try {
            delivery.deliver(
                    new SQSEvent.SQSMessage(), e -> new JobDelivery.Work("hop 1", "hop 1 could not be run"), e -> {
                        seen.add(ThreadContext.get("function_request_id") + " " + ThreadContext.get("job_id") + " "
                                + ThreadContext.get("hop"));
                        throw new StackOverflowError();
                    });
        } catch (StackOverflowError expected) {
            // thrown on, for SqsBatch to log and report
        }
        assertThat(seen).containsExactly("req-1 job_1 1");
        assertThat(abandoned)
                .containsExactly(
                        "job_1: hop 1 could not be run: every one of its 5 deliveries failed (internal error)");
        assertThat(ThreadContext.get("job_id"))
                .as("the message's context is gone after it")
                .isNull();
        assertThat(ThreadContext.get("function_request_id")).isEqualTo("req-1");
        ThreadContext.clearMap();
    }
}
