package dev.sluice.local.console;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.JobTraceIds;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.local.ApiClient;
import dev.sluice.local.LocalSpans;
import dev.sluice.local.Redriver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the console reads, through the clients the local runtime already holds: the job table, the traces in the
 * bucket, the queues and their dead-letter queues, and the configuration document the functions read.
 *
 * @param retry posts {@code /v1/jobs/{id}/retry} as the job's tenant, as {@code ./sluice redrive} does
 * @param settings the runtime's properties (where each provider's base URL points)
 */
public record ConsoleData(
        DynamoDbJobStore jobs,
        TraceStore traces,
        BlobStore bucket,
        String configKey,
        SqsClient sqs,
        URI sqsEndpoint,
        List<Redriver.Route> routes,
        Function<Envelope, ApiClient.Reply> retry,
        Map<String, String> settings) {

    public ConsoleData {
        routes = List.copyOf(routes);
        settings = Map.copyOf(settings);
    }

    /** Every job's summary, newest first. */
    List<DynamoDbJobStore.JobSummary> allJobs() {
        List<DynamoDbJobStore.JobSummary> all = new ArrayList<>(jobs.scanJobs());
        all.sort(Comparator.comparing(DynamoDbJobStore.JobSummary::createdAt).reversed());
        return all;
    }

    Optional<Job> job(String id) {
        try {
            return jobs.find(new JobId(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    List<HopTrace> traces(Job job) {
        return traces.find(job);
    }

    /** The job's trace id, derived from its id as every function derives it. */
    static String traceId(Job job) {
        return JobTraceIds.traceId(job.id());
    }

    /** The spans of the job's trace that this process collected (the local runtime's functions report here). */
    List<LocalSpans.Recorded> spans(Job job) {
        return LocalSpans.INSTANCE.trace(traceId(job));
    }

    SluiceConfig config() {
        BlobStore.Blob blob = bucket.get(configKey)
                .orElseThrow(
                        () -> new IllegalStateException("the configuration document " + configKey + " is missing"));
        return ConfigSource.parse(new String(blob.content(), StandardCharsets.UTF_8), configKey);
    }

    /** One dead letter as the console shows it: the message, its receives, and its job if it is a hop message. */
    record DeadLetter(String messageId, String body, int receives, Optional<Envelope> envelope, Optional<Job> job) {}

    /** A queue's dead letters (at most {@code limit}, looked at, not taken) and how many there are. */
    record DeadLetters(Redriver.Route route, long depth, List<DeadLetter> shown) {}

    List<DeadLetters> deadLetters(int limit) {
        List<DeadLetters> all = new ArrayList<>();
        for (Redriver.Route route : routes) {
            long depth = depth(route.deadLetterQueueUrl());
            List<DeadLetter> shown = new ArrayList<>();
            if (depth > 0) {
                // Visibility 0: the messages stay where they are for the next look and for a redrive. SQS has no
                // peek: each look is a receive, and counts in ApproximateReceiveCount (the page says so).
                for (Message m : sqs.receiveMessage(r -> r.queueUrl(route.deadLetterQueueUrl())
                                .maxNumberOfMessages(Math.min(limit, 10))
                                .visibilityTimeout(0)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages()) {
                    Optional<Envelope> envelope = envelope(m.body());
                    int receives = Integer.parseInt(
                            m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "0"));
                    shown.add(new DeadLetter(
                            m.messageId(), m.body(), receives, envelope, envelope.flatMap(e -> jobs.find(e.jobId()))));
                }
            }
            all.add(new DeadLetters(route, depth, shown));
        }
        return all;
    }

    /** {@code ./sluice redrive}'s operation: every dead letter tried again, a line for each. */
    List<String> redrive() {
        return Redriver.redrive(sqsEndpoint, routes, retry);
    }

    /** Messages waiting, in flight and delayed, and the age of the oldest, per queue and dead-letter queue. */
    record QueueDepth(String name, long visible, long inFlight, long delayed) {}

    List<QueueDepth> queueDepths() {
        List<QueueDepth> out = new ArrayList<>();
        for (Redriver.Route route : routes) {
            out.add(depthOf(route.name(), route.queueUrl()));
            out.add(depthOf(route.name() + " DLQ", route.deadLetterQueueUrl()));
        }
        return out;
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

    private long depth(String url) {
        QueueDepth d = depthOf("", url);
        return d.visible() + d.inFlight() + d.delayed();
    }

    private static Optional<Envelope> envelope(String body) {
        try {
            QueueMessage message = DomainJson.readQueueMessage(body);
            return message instanceof Envelope e ? Optional.of(e) : Optional.empty();
        } catch (IllegalArgumentException notAHopMessage) {
            return Optional.empty();
        }
    }
}
