package dev.sluice.bootstrap.console;

import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the console reads: the local runtime's clients to the stand-ins ({@code ./sluice up}), or a stack's own from
 * its dispatcher. The pages are the same; only what each place can know differs (spans and a history of samples are
 * collected in the local process; a stack's are in its tracing backend and CloudWatch).
 */
public interface ConsoleSource {
    /** How many of the newest jobs the jobs list and the charts read. */
    int LISTED = 500;

    /** The newest jobs (at most {@link #LISTED}), newest first. */
    List<DynamoDbJobStore.JobSummary> recentJobs();

    Optional<Job> job(String id);

    List<HopTrace> traces(Job job);

    /** The spans of the job's trace collected where the console runs, by start time; empty where none are. */
    List<Span> spans(Job job);

    /** Where the job's spans can be seen when they are not collected here, said in a sentence. */
    default String spansElsewhere() {
        return "no span of this trace was collected by this runtime";
    }

    SluiceConfig config();

    /** Where each provider's calls go ({@code SLUICE_<PROVIDER>_BASE_URL}), when it is not the provider's own. */
    Map<String, String> settings();

    List<DeadLetterQueues.DeadLetters> deadLetters(int limit);

    /** Every dead letter tried again, a line for each (as {@code ./sluice redrive}). */
    List<String> redrive();

    /** Queue depths and provider answers by outcome over time, oldest first; at least the present. */
    List<Sample> samples();

    /** What the charts say when no provider outcomes are known here. */
    default String outcomesElsewhere() {
        return "the bundled simulator is not in use, or has answered nothing yet";
    }

    /** One look: each queue's depth, and running totals of the provider's answers by outcome where known. */
    record Sample(Instant at, List<DeadLetterQueues.QueueDepth> queues, Map<String, Long> outcomes) {}
}
