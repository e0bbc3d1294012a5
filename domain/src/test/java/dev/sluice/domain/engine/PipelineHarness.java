package dev.sluice.domain.engine;

import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryCompletionCache;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryParkedCalls;
import dev.sluice.domain.fake.InMemoryRateLimiter;
import dev.sluice.domain.fake.InMemorySpendLedger;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.fake.ScriptedBatchModel;
import dev.sluice.domain.fake.ScriptedLanguageModel;
import dev.sluice.domain.fake.ScriptedStructuredOutput;
import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.jobs.QueryJobService;
import dev.sluice.domain.jobs.SubmitBatchService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The whole domain wired on in-memory fakes, with a driver that plays the role of SQS and the three consumers:
 * it delivers every visible message (optionally more than once), puts back what asks to be retried, and moves
 * the clock forward to reach delayed messages.
 */
public final class PipelineHarness {
    public final MutableClock clock = MutableClock.at("2026-06-01T09:00:05Z");
    public final InMemoryJobStore jobs = new InMemoryJobStore();
    public final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    public final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
    public final InMemoryWorkQueue ingestQueue = new InMemoryWorkQueue(clock);
    public final InMemoryCompletionCache cache = new InMemoryCompletionCache(clock);
    public final InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);
    public final InMemorySpendLedger ledger = new InMemorySpendLedger();
    public final ScriptedLanguageModel model = new ScriptedLanguageModel();
    public final HashingEmbedder embedder = new HashingEmbedder(64);
    public final InMemoryVectorStore vectors = new InMemoryVectorStore();
    public final InMemoryTraceStore traces = new InMemoryTraceStore();
    public final RecordingEventPublisher events = new RecordingEventPublisher();
    public final ScriptedStructuredOutput structured = new ScriptedStructuredOutput();
    public final InMemoryParkedCalls parked = new InMemoryParkedCalls();
    public final ScriptedBatchModel batchModel = new ScriptedBatchModel(clock);
    public final List<BatchWindowService.Tick> ticks = new ArrayList<>();
    public final BatchWindowService batcher;
    public final List<HopOutcome> outcomes = new ArrayList<>();
    public final SluiceConfig config;
    public final SubmitJobService submit;
    public final SubmitBatchService batches;
    public final RunHopService runHop;
    public final FinalizeJobService finalizer;
    public final IngestDocumentsService ingest;
    public final QueryJobService query;
    public int deliveriesPerMessage = 1;

    public PipelineHarness() {
        this(TestConfig.tree());
    }

    public PipelineHarness(Map<String, Object> configTree) {
        config = ConfigParser.parse(configTree);
        submit = new SubmitJobService(config, jobs, work, clock);
        batches = new SubmitBatchService(config, jobs, work, clock);
        runHop = new RunHopService(
                config,
                new RunHopService.Ports(
                        jobs,
                        work,
                        finalize,
                        cache,
                        limiter,
                        ledger,
                        model,
                        embedder,
                        vectors,
                        traces,
                        events,
                        Telemetry.NONE,
                        structured,
                        parked),
                clock,
                new SplittableRandom(42));
        batcher = new BatchWindowService(config, parked, batchModel, Telemetry.NONE, clock);
        finalizer = new FinalizeJobService(config, jobs, events, Telemetry.NONE, structured, clock);
        ingest = new IngestDocumentsService(config, embedder, vectors, ingestQueue);
        query = new QueryJobService(jobs, traces);
    }

    public Job submit(String pipeline, Map<String, String> input) {
        SubmitJob.Result result = submit.submit(
                new SubmitJob.Command(TestConfig.TENANT, pipeline, input, Optional.empty(), CorrelationId.random()));
        return ((SubmitJob.Result.Accepted) result).job();
    }

    public void ingest(TenantId tenant, IngestRequest request) {
        ingest.enqueue(request);
        for (QueueMessage m : ingestQueue.receiveVisible()) {
            ingest.ingest((IngestRequest) m);
        }
    }

    /** Delivers messages until every queue is empty, moving the clock to reach delayed ones. */
    public void runUntilQuiet() {
        for (int round = 0; round < 10_000; round++) {
            List<QueueMessage> hops = work.receiveVisible();
            List<QueueMessage> finals = finalize.receiveVisible();
            if (hops.isEmpty() && finals.isEmpty()) {
                if (work.size() == 0 && finalize.size() == 0) {
                    return;
                }
                clock.advance(Duration.ofSeconds(1));
                continue;
            }
            for (QueueMessage m : hops) {
                deliver((Envelope) m, work, true);
            }
            for (QueueMessage m : finals) {
                deliver((Envelope) m, finalize, false);
            }
        }
        throw new AssertionError("the pipeline did not go quiet");
    }

    /**
     * Delivers messages until every queue is empty, running the batcher each round and moving the clock by
     * {@code step} whenever nothing is visible, as the scheduled batcher and SQS's delays would.
     */
    public void runUntilQuietBatching(Duration step) {
        for (int round = 0; round < 100_000; round++) {
            ticks.add(batcher.tick());
            List<QueueMessage> hops = work.receiveVisible();
            List<QueueMessage> finals = finalize.receiveVisible();
            if (hops.isEmpty() && finals.isEmpty()) {
                if (work.size() == 0 && finalize.size() == 0) {
                    return;
                }
                clock.advance(step);
                continue;
            }
            for (QueueMessage m : hops) {
                deliver((Envelope) m, work, true);
            }
            for (QueueMessage m : finals) {
                deliver((Envelope) m, finalize, false);
            }
        }
        throw new AssertionError("the pipeline did not go quiet");
    }

    /** Delivers messages until none is visible now; delayed ones stay queued, the clock stays where it is. */
    public void runWhileVisible() {
        for (int round = 0; round < 10_000; round++) {
            List<QueueMessage> hops = work.receiveVisible();
            List<QueueMessage> finals = finalize.receiveVisible();
            if (hops.isEmpty() && finals.isEmpty()) {
                return;
            }
            for (QueueMessage m : hops) {
                deliver((Envelope) m, work, true);
            }
            for (QueueMessage m : finals) {
                deliver((Envelope) m, finalize, false);
            }
        }
        throw new AssertionError("messages kept coming");
    }

    private void deliver(Envelope envelope, InMemoryWorkQueue from, boolean hop) {
        for (int i = 0; i < deliveriesPerMessage; i++) {
            Envelope delivery = envelope.withAttempt(envelope.attempt() + i);
            HopOutcome outcome = hop ? runHop.run(delivery) : finalizer.finalizeJob(delivery);
            outcomes.add(outcome);
            if (outcome instanceof HopOutcome.Retry) {
                // SQS makes the message visible again after the visibility timeout, one receive count higher.
                clock.advance(Duration.ofSeconds(30));
                from.send(delivery.withAttempt(delivery.attempt() + 1));
                return;
            }
        }
    }

    public Job job(Job job) {
        return jobs.find(job.id()).orElseThrow();
    }

    public <T extends HopOutcome> long count(Class<T> type) {
        return outcomes.stream().filter(type::isInstance).count();
    }
}
