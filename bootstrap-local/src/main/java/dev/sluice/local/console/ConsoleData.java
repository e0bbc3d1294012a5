package dev.sluice.local.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.console.ConsoleSource;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.console.Span;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.JobTraceIds;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.local.ApiClient;
import dev.sluice.local.LocalSpans;
import dev.sluice.local.Redriver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the local console reads, through the clients the local runtime already holds: the job table, the traces in
 * the bucket, the queues and their dead-letter queues, the configuration document the functions read, the spans
 * this process collected and the sampler's history.
 *
 * @param retry asks this runtime's API to retry a dead letter's job, as {@code ./sluice redrive} does
 * @param settings the runtime's properties (where each provider's base URL points)
 */
public record ConsoleData(
        DynamoDbJobStore jobs,
        TraceStore traces,
        BlobStore bucket,
        String configKey,
        DeadLetterQueues queues,
        Function<Envelope, ApiClient.Reply> retry,
        Map<String, String> settings,
        Supplier<List<Sample>> history,
        Clock clock)
        implements ConsoleSource {

    public ConsoleData {
        settings = Map.copyOf(settings);
    }

    @Override
    public List<DynamoDbJobStore.JobSummary> recentJobs() {
        return jobs.recentJobs(LISTED, clock.instant());
    }

    @Override
    public Optional<Job> job(String id) {
        try {
            return jobs.find(new JobId(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    @Override
    public List<HopTrace> traces(Job job) {
        return traces.find(job);
    }

    /** The spans of the job's trace that this process collected (the local runtime's functions report here). */
    @Override
    public List<Span> spans(Job job) {
        return LocalSpans.INSTANCE.trace(JobTraceIds.traceId(job.id())).stream()
                .map(s -> new Span(
                        s.traceId(),
                        s.spanId(),
                        s.parentSpanId(),
                        s.name(),
                        s.start(),
                        s.duration(),
                        s.error(),
                        s.attributes(),
                        s.events()))
                .toList();
    }

    @Override
    public SluiceConfig config() {
        BlobStore.Blob blob = bucket.get(configKey)
                .orElseThrow(
                        () -> new IllegalStateException("the configuration document " + configKey + " is missing"));
        return ConfigSource.parse(new String(blob.content(), StandardCharsets.UTF_8), configKey);
    }

    @Override
    public List<DeadLetterQueues.DeadLetters> deadLetters(int limit) {
        return queues.deadLetters(limit, jobs::find);
    }

    @Override
    public List<String> redrive() {
        return Redriver.redrive(queues, retry);
    }

    @Override
    public List<Sample> samples() {
        return history.get();
    }
}
