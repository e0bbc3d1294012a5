package dev.sluice.bootstrap.dispatcher;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.adapter.aws.resources.SluiceResources;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.console.JobTableConsole;
import dev.sluice.bootstrap.console.Span;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.usecase.RetryJob;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What a stack's console reads, through the dispatcher's own clients: beside the job table, traces and queues
 * ({@link JobTableConsole}; each dead-letter queue's URL is its queue's with {@link SluiceResources#DLQ_SUFFIX}
 * appended, the naming every stack and the local runtime share), the configuration document the functions read. A
 * redrive retries each dead letter's job through {@link RetryJob} directly. Spans are in the stack's tracing backend and the
 * history of queue depths and provider throttling in CloudWatch, so the charts show the present.
 */
final class StackConsole extends JobTableConsole {
    /** Dead letters one redrive request takes: each is a retry (a few writes), all well within API Gateway's 30 s. */
    static final int REDRIVE_MOST = 100;

    private final SluiceConfig config;
    private final RetryJob retry;
    private final Settings settings;

    StackConsole(
            DynamoDbJobStore jobs,
            TraceStore traces,
            SluiceConfig config,
            SqsClient sqs,
            RetryJob retry,
            Settings settings,
            Clock clock) {
        super(
                jobs,
                traces,
                new DeadLetterQueues(
                        sqs,
                        List.of(
                                route("work", settings.workQueueUrl()),
                                route("finalize", settings.finalizeQueueUrl()),
                                route("ingest", settings.ingestQueueUrl()))),
                clock);
        this.config = config;
        this.retry = retry;
        this.settings = settings;
    }

    private static DeadLetterQueues.Route route(String name, String queueUrl) {
        return new DeadLetterQueues.Route(name, queueUrl + SluiceResources.DLQ_SUFFIX, queueUrl);
    }

    @Override
    public List<Span> spans(Job job) {
        return List.of();
    }

    @Override
    public String spansElsewhere() {
        return settings.tracing().otlpTracesEndpoint().isPresent()
                ? "this trace's spans are in the tracing backend the stack exports to; search it for this trace id"
                : "this stack does not export spans (sluice:tracing is off); the hop timeline above is from the job";
    }

    @Override
    public SluiceConfig config() {
        return config;
    }

    /** A stack's models carry their endpoints in the configuration document ({@code baseUrl}). */
    @Override
    public Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public List<String> redrive() {
        return queues().redrive(
                        envelope -> new DeadLetterQueues.Retried(
                                true, retry.retry(envelope.jobId()).describe()),
                        REDRIVE_MOST);
    }

    @Override
    public List<Sample> samples() {
        return List.of(new Sample(clock().instant(), queues().queueDepths(), Map.of()));
    }

    @Override
    public String outcomesElsewhere() {
        return "provider 429s are the stack's Throttled metric (namespace Sluice) in CloudWatch; its dashboard charts them";
    }
}
