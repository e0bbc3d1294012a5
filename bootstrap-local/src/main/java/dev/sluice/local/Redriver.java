package dev.sluice.local;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Redrive as "try again". A dead letter of a job's hop (work or finalize queue) asks the API to retry that job: a
 * FAILED job is reopened at the hop where it stopped (its memoised hops are not paid again), a job still running
 * gets its hop queued again, a job that succeeded is left alone; then the dead letter is deleted. Anything else
 * (ingest requests, unreadable bodies) is moved back to its queue as it was. Every message gets a line saying what
 * became of it.
 */
public final class Redriver {
    private Redriver() {}

    /** A dead-letter queue and the queue its messages came from. */
    public record Route(String name, String deadLetterQueueUrl, String queueUrl) {}

    /**
     * The work, finalize and ingest routes of a running {@code sluice up}, from its endpoint file's keys
     * ({@code workDlq}, {@code workQueue}, ...).
     */
    public static List<Route> routes(Function<String, String> endpointKey) {
        return List.of("work", "finalize", "ingest").stream()
                .map(q -> new Route(q, endpointKey.apply(q + "Dlq"), endpointKey.apply(q + "Queue")))
                .toList();
    }

    /**
     * @param retry posts {@code /v1/jobs/{id}/retry} as the job's tenant and returns the API's reply
     */
    public static List<String> redrive(URI sqsEndpoint, List<Route> routes, Function<Envelope, ApiClient.Reply> retry) {
        List<String> report = new ArrayList<>();
        try (SqsClient sqs = AwsClients.sqs(
                AwsClientSettings.local(sqsEndpoint, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            for (Route route : routes) {
                drain(sqs, route, retry, report);
            }
        }
        return report;
    }

    private static void drain(
            SqsClient sqs, Route route, Function<Envelope, ApiClient.Reply> retry, List<String> report) {
        while (true) {
            var batch = sqs.receiveMessage(r -> r.queueUrl(route.deadLetterQueueUrl())
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(60)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            if (batch.isEmpty()) {
                return;
            }
            for (Message m : batch) {
                Optional<Envelope> envelope = envelope(m);
                if (envelope.isPresent()) {
                    ApiClient.Reply reply = retry.apply(envelope.get());
                    if (!reply.ok() && reply.status() != 404) {
                        report.add(route.name() + " " + m.messageId() + ": left in the dead-letter queue, retry"
                                + " answered " + reply.status() + " " + reply.body());
                        continue;
                    }
                    report.add(route.name() + " " + reply.body().path("message").asText());
                } else {
                    sqs.sendMessage(r -> r.queueUrl(route.queueUrl())
                            .messageBody(m.body())
                            .messageAttributes(m.messageAttributes()));
                    report.add(route.name() + " " + m.messageId() + ": moved back to its queue");
                }
                sqs.deleteMessage(r -> r.queueUrl(route.deadLetterQueueUrl()).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** The hop message in a dead letter, if it is one (hop messages are small, never claim-checked). */
    private static Optional<Envelope> envelope(Message m) {
        try {
            QueueMessage message = DomainJson.readQueueMessage(m.body());
            return message instanceof Envelope e ? Optional.of(e) : Optional.empty();
        } catch (IllegalArgumentException e) {
            // Not a sluice hop message (MalformedJsonException is one): it goes back as it was.
            return Optional.empty();
        }
    }
}
