package dev.sluice.local.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.console.JobTableConsole;
import dev.sluice.bootstrap.console.Span;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.JobTraceIds;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.local.ApiClient;
import dev.sluice.local.LocalSpans;
import dev.sluice.local.Redriver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the local console reads, through the clients the local runtime already holds: beside the job table, traces
 * and queues ({@link JobTableConsole}), the configuration document the functions read, the spans this process
 * collected and the sampler's history.
 */
public final class ConsoleData extends JobTableConsole {
    private final BlobStore bucket;
    private final String configKey;
    private final Function<Envelope, ApiClient.Reply> retry;
    private final Map<String, String> settings;
    private final Supplier<List<Sample>> history;

    /**
     * @param retry asks this runtime's API to retry a dead letter's job, as {@code ./sluice redrive} does
     * @param settings the runtime's properties (where each provider's base URL points)
     */
    public ConsoleData(
            DynamoDbJobStore jobs,
            TraceStore traces,
            BlobStore bucket,
            String configKey,
            DeadLetterQueues queues,
            Function<Envelope, ApiClient.Reply> retry,
            Map<String, String> settings,
            Supplier<List<Sample>> history,
            Clock clock) {
        super(jobs, traces, queues, clock);
        this.bucket = bucket;
        this.configKey = configKey;
        this.retry = retry;
        this.settings = Map.copyOf(settings);
        this.history = history;
    }

    /** The spans of the job's trace that this process collected (the local runtime's functions report here). */
    @Override
    public List<Span> spans(Job job) {
        return LocalSpans.INSTANCE.trace(JobTraceIds.traceId(job.id()));
    }

    @Override
    public SluiceConfig config() {
        BlobStore.Blob blob = bucket.get(configKey)
                .orElseThrow(
                        () -> new IllegalStateException("the configuration document " + configKey + " is missing"));
        return ConfigSource.parse(new String(blob.content(), StandardCharsets.UTF_8), configKey);
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public List<String> redrive() {
        return Redriver.redrive(queues(), retry);
    }

    @Override
    public List<Sample> samples() {
        return history.get();
    }
}
