package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.QueueMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WorkQueue} must do, in real time (delays are a couple of seconds). Implementations provide an
 * empty queue and a way to receive from it.
 */
public abstract class WorkQueueContract {

    protected abstract WorkQueue queue();

    /** Receives (and removes) what is visible now, waiting up to {@code wait} for something to arrive. */
    protected abstract List<QueueMessage> receive(Duration wait);

    private static Envelope envelope() {
        return new Envelope(
                JobId.random(),
                Fixtures.TENANT,
                new CorrelationId("corr-42"),
                "two-hop",
                2,
                1,
                Optional.of(Instant.parse("2026-05-01T10:15:30Z")));
    }

    @Test
    void anEnvelopeArrivesWithEveryFieldIntact() {
        Envelope sent = envelope();
        queue().send(sent);
        assertThat(receiveAtLeast(1, Duration.ofSeconds(5))).containsExactly(sent);
    }

    @Test
    void anIngestRequestWithALargeDocumentArrivesWhole() {
        String text = "All work and no play. ".repeat(100_000);
        IngestRequest sent = new IngestRequest(
                Fixtures.TENANT,
                new CorrelationId("corr-big"),
                "docs",
                List.of(new Document("handbook", "text/markdown", text, Map.of("lang", "en"))),
                List.of("old-doc"));
        queue().send(sent);
        assertThat(receiveAtLeast(1, Duration.ofSeconds(10))).containsExactly(sent);
    }

    @Test
    void aDelayedMessageIsNotDeliveredBeforeItsDelay() throws InterruptedException {
        Envelope delayed = envelope();
        queue().send(delayed, Duration.ofSeconds(2));
        assertThat(receive(Duration.ZERO)).isEmpty();
        Thread.sleep(2_100);
        assertThat(receiveAtLeast(1, Duration.ofSeconds(5))).containsExactly(delayed);
    }

    @Test
    void manyMessagesAreAllDelivered() {
        List<Envelope> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Envelope e = envelope();
            sent.add(e);
            queue().send(e);
        }
        assertThat(receiveAtLeast(25, Duration.ofSeconds(10))).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void messagesSentTogetherAllArriveIntactIncludingALargeOne() {
        List<QueueMessage> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            sent.add(envelope());
        }
        // One body over any inline limit, among small ones: it travels aside and is restored like a single send.
        sent.add(
                7,
                new IngestRequest(
                        Fixtures.TENANT,
                        new CorrelationId("corr-batch"),
                        "docs",
                        List.of(new Document("big", "text/plain", "x".repeat(300_000), Map.of("k", "v"))),
                        List.of()));
        assertThat(queue().sendAll(sent)).isEmpty();
        assertThat(receiveAtLeast(sent.size(), Duration.ofSeconds(10))).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(queue().sendAll(List.of())).isEmpty();
    }

    protected List<QueueMessage> receiveAtLeast(int count, Duration within) {
        List<QueueMessage> got = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            got.addAll(receive(Duration.ofMillis(500)));
        }
        return got;
    }
}
