package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.QueueMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The queues and their dead-letter queues as an operator sees them: depths, what is in each dead-letter queue, and a
 * redrive. Redrive is "try again": a dead letter of a job's hop (work or finalize queue) asks for that job to be
 * retried (a FAILED job reopens at the hop where it stopped, its memoised hops not paid again; a job still running
 * gets its hop queued again; one that succeeded is left alone), then the dead letter is deleted. Anything else
 * (ingest requests, unreadable bodies) is moved back to its queue as it was. Every message gets a line saying what
 * became of it. {@code ./sluice redrive}, the local console and a stack's console all redrive through this class.
 */
public final class DeadLetterQueues {
    /** A dead-letter queue and the queue its messages came from. */
    public record Route(String name, String deadLetterQueueUrl, String queueUrl) {}

    /** What a retry of a dead letter's job did: {@code done} deletes the dead letter, otherwise it stays. */
    public record Retried(boolean done, String message) {}

    /** One dead letter as the console shows it: the message, its receives, and its job if it is a hop message. */
    public record DeadLetter(
            String messageId, String body, int receives, Optional<Envelope> envelope, Optional<Job> job) {}

    /** A queue's dead letters (at most a few, looked at, not taken) and how many there are. */
    public record DeadLetters(Route route, long depth, List<DeadLetter> shown) {}

    /** Messages waiting, in flight and delayed, per queue and dead-letter queue. */
    public record QueueDepth(String name, long visible, long inFlight, long delayed) {}

    private final SqsClient sqs;
    private final List<Route> routes;

    public DeadLetterQueues(SqsClient sqs, List<Route> routes) {
        this.sqs = sqs;
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** Each dead-letter queue's depth and its first {@code limit} messages (at most 10), with their jobs. */
    public List<DeadLetters> deadLetters(int limit, Function<JobId, Optional<Job>> jobs) {
        List<DeadLetters> all = new ArrayList<>();
        for (Route route : routes) {
            QueueDepth d = depthOf("", route.deadLetterQueueUrl());
            long depth = d.visible() + d.inFlight() + d.delayed();
            List<DeadLetter> shown = new ArrayList<>();
            if (depth > 0) {
                // Visibility 0: the messages stay where they are for the next look and for a redrive. SQS has no
                // peek: each look is a receive, and counts in ApproximateReceiveCount (the page says so).
                for (Message m : sqs.receiveMessage(r -> r.queueUrl(route.deadLetterQueueUrl())
                                .maxNumberOfMessages(Math.max(1, Math.min(limit, 10)))
                                .visibilityTimeout(0)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages()) {
                    Optional<Envelope> envelope = envelope(m.body());
                    int receives = Integer.parseInt(
                            m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "0"));
                    shown.add(new DeadLetter(
                            m.messageId(), m.body(), receives, envelope, envelope.flatMap(e -> jobs.apply(e.jobId()))));
                }
            }
            all.add(new DeadLetters(route, depth, shown));
        }
        return all;
    }

    public List<QueueDepth> queueDepths() {
        List<QueueDepth> out = new ArrayList<>();
        for (Route route : routes) {
            out.add(depthOf(route.name(), route.queueUrl()));
            out.add(depthOf(route.name() + " DLQ", route.deadLetterQueueUrl()));
        }
        return out;
    }

    /** Every dead letter tried again (hop messages) or moved back (anything else), a line for each. */
    public List<String> redrive(Function<Envelope, Retried> retry) {
        return redrive(retry, Integer.MAX_VALUE);
    }

    /**
     * As {@link #redrive(Function)}, stopping after {@code most} messages (a request must answer within API Gateway's
     * 30 s): the report's last line then says how many remain, for another redrive.
     */
    public List<String> redrive(Function<Envelope, Retried> retry, int most) {
        List<String> report = new ArrayList<>();
        int left = most;
        for (Route route : routes) {
            left -= drain(route, retry, report, left);
            if (left <= 0) {
                long remaining = 0;
                for (Route r : routes) {
                    QueueDepth d = depthOf(r.name(), r.deadLetterQueueUrl());
                    remaining += d.visible() + d.delayed();
                }
                if (remaining > 0) {
                    report.add("stopped after " + most + " dead letters; about " + remaining
                            + " remain: redrive again for the next ones");
                }
                break;
            }
        }
        return report;
    }

    /** Takes at most {@code most} of the route's dead letters and returns how many it took. */
    private int drain(Route route, Function<Envelope, Retried> retry, List<String> report, int most) {
        List<String> refused = new ArrayList<>();
        int taken = 0;
        while (taken < most) {
            int take = Math.min(10, most - taken);
            var batch = sqs.receiveMessage(r -> r.queueUrl(route.deadLetterQueueUrl())
                            .maxNumberOfMessages(take)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(60)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            if (batch.isEmpty()) {
                return taken;
            }
            for (Message m : batch) {
                taken++;
                if (refused.contains(m.messageId())) {
                    // Refused once in this redrive and received again: every other message has been seen.
                    return taken;
                }
                Optional<Envelope> envelope = envelope(m.body());
                if (envelope.isPresent()) {
                    Retried retried = retry.apply(envelope.get());
                    if (!retried.done()) {
                        refused.add(m.messageId());
                        report.add(route.name() + " " + m.messageId() + ": left in the dead-letter queue, "
                                + retried.message());
                        continue;
                    }
                    report.add(route.name() + " " + retried.message());
                } else {
                    sqs.sendMessage(r -> r.queueUrl(route.queueUrl())
                            .messageBody(m.body())
                            .messageAttributes(m.messageAttributes()));
                    report.add(route.name() + " " + m.messageId() + ": moved back to its queue");
                }
                sqs.deleteMessage(r -> r.queueUrl(route.deadLetterQueueUrl()).receiptHandle(m.receiptHandle()));
            }
        }
        return taken;
    }

    private QueueDepth depthOf(String name, String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return new QueueDepth(
                name,
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")));
    }

    /** The hop message in a dead letter, if it is one (hop messages are small, never claim-checked). */
    private static Optional<Envelope> envelope(String body) {
        try {
            QueueMessage message = DomainJson.readQueueMessage(body);
            return message instanceof Envelope e ? Optional.of(e) : Optional.empty();
        } catch (IllegalArgumentException notAHopMessage) {
            // Not a sluice hop message (MalformedJsonException is one): it goes back as it was.
            return Optional.empty();
        }
    }
}
