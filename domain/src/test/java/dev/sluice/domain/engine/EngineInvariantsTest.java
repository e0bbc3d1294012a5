package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.fake.HashingEmbedder;
import dev.sluice.domain.fake.InMemoryCompletionCache;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryRateLimiter;
import dev.sluice.domain.fake.InMemorySpendLedger;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryVectorStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.fake.ScriptedStructuredOutput;
import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.ingest.IngestDocumentsService;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.SubmitJob;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The engine's promise under random interleavings: messages delivered in any order and more than once, processes
 * that die between any two port calls (the message comes back after the visibility timeout, the lease stays
 * held), stores and queues that fail before or after doing their write, providers that throttle, fail for a while,
 * fail for good or throw something nobody classified. Whatever happens, once the faults stop every job has ended
 * SUCCEEDED or FAILED with a reason, and no hop's answer was paid for twice.
 */
class EngineInvariantsTest {
    private static final List<String> PIPELINES = List.of("ask", "rag", "chain", "resilient", "limited", "structured");
    private static final int MAX_RECEIVE_COUNT = 5;
    // Passes the door (any text does that a queue accepts) and makes the embedder and the model throw.
    private static final String POISON = "\u2620poison";
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    @Property(tries = 300)
    void everyAcceptedJobEndsAndNoHopIsPaidTwice(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 6) int jobCount,
            @ForAll @DoubleRange(min = 0, max = 0.25) double faultRate,
            @ForAll @DoubleRange(min = 0, max = 0.3) double duplicateRate,
            @ForAll @IntRange(min = 0, max = 400) int chaosDeliveries) {
        World world = new World(seed, faultRate, duplicateRate, chaosDeliveries);
        List<Job> accepted = world.submit(jobCount);
        world.runUntilQuiet();
        Statistics.label("dead letters").collect(world.deadLetters.isEmpty() ? "none" : "some, redriven");
        // The operator redrives what reached a dead-letter queue until none is left (the faults stop eventually).
        for (int redrives = 0; !world.deadLetters.isEmpty(); redrives++) {
            assertThat(redrives).as("redrives needed").isLessThan(50);
            // Nothing is silently lost: a job that has not ended has its message in a dead-letter queue.
            for (Job submitted : accepted) {
                Job job = world.jobs.find(submitted.id()).orElseThrow();
                if (!job.status().isTerminal()) {
                    assertThat(world.deadLetters)
                            .as("job %s is %s and its message is in a dead-letter queue", job.id(), job.status())
                            .anyMatch(m -> ((Envelope) m).jobId().equals(job.id()));
                }
            }
            world.redrive();
            world.runUntilQuiet();
        }

        for (Job submitted : accepted) {
            Job job = world.jobs.find(submitted.id()).orElseThrow();
            assertThat(job.status().isTerminal())
                    .as("job %s (%s) ended; it is %s at hop %d", job.id(), job.pipeline(), job.status(), job.hop())
                    .isTrue();
            if (job.status() == JobStatus.FAILED) {
                assertThat(job.failureReason()).as("reason of %s", job.id()).isPresent();
                assertThat(job.failureReason().orElseThrow()).isNotBlank();
                Statistics.label("outcomes").collect("FAILED");
            } else {
                Statistics.label("outcomes").collect("SUCCEEDED");
                assertThat(job.hops()).hasSize(job.hopCount());
                assertThat(job.result()).isPresent();
            }
        }
        assertThat(world.paid.values())
                .as("answers received per job, model and prompt")
                .allMatch(n -> n == 1);
    }

    @Example
    void aStepThatThrowsSomethingUnclassifiedFailsItsJobAtOnceSayingWhereAndTheOperatorReadsWhat() {
        World world = new World(1, 0, 0, 0);
        Job job = ((SubmitJob.Result.Accepted) world.submit.submit(new SubmitJob.Command(
                        TestConfig.TENANT,
                        "rag",
                        Map.of("question", POISON),
                        Optional.empty(),
                        CorrelationId.random())))
                .job();
        world.runUntilQuiet();

        Job failed = world.jobs.find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureReason().orElseThrow())
                .isEqualTo("retrieval 'context': the embedder failed unexpectedly (internal error)");
        assertThat(world.traces.find(job.id()).getFirst().errors())
                .containsExactly("retrieval 'context', the embedder: IllegalArgumentException: input contains a"
                        + " character the tokenizer rejects");
        HopTrace trace = world.traces.find(job.id()).getFirst();
        assertThat(trace.system()).as("never rendered").isEmpty();
        assertThat(trace.prompt()).as("never rendered").isEmpty();
        assertThat(trace.ending())
                .isInstanceOfSatisfying(
                        HopTrace.Failed.class, f -> assertThat(f.model()).isEmpty());
        assertThat(world.deadLetters).isEmpty();
    }

    /** A process dying: no catch of the engine's may swallow it. */
    static final class Crash extends Error {
        Crash() {
            super("process killed", null, false, false);
        }
    }

    /** Everything wired on fakes, with faults injected around the ports and a driver that behaves like SQS. */
    static final class World {
        final MutableClock clock = MutableClock.at("2026-06-01T09:00:05Z");
        final SplittableRandom random;
        final double faultRate;
        final double duplicateRate;
        int chaosLeft;
        final InMemoryJobStore jobs = new InMemoryJobStore();
        final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
        final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
        final InMemoryTraceStore traces = new InMemoryTraceStore();
        final Map<String, Integer> paid = new HashMap<>();
        final List<QueueMessage> deadLetters = new ArrayList<>();
        final SluiceConfig config = ConfigParser.parse(TestConfig.tree());
        final SubmitJobService submit = new SubmitJobService(config, jobs, work, clock);
        final RunHopService runHop;
        final FinalizeJobService finalizer;

        World(long seed, double faultRate, double duplicateRate, int chaosDeliveries) {
            this.random = new SplittableRandom(seed);
            this.faultRate = faultRate;
            this.duplicateRate = duplicateRate;
            this.chaosLeft = chaosDeliveries;
            InMemoryVectorStore vectors = new InMemoryVectorStore();
            HashingEmbedder embedder = new HashingEmbedder(64);
            new IngestDocumentsService(config, embedder, vectors, new InMemoryWorkQueue(clock))
                    .ingest(new IngestRequest(
                            TestConfig.TENANT,
                            new CorrelationId("ingest"),
                            "docs",
                            List.of(new Document("sky", "text/plain", "The sky is blue.", Map.of())),
                            List.of()));
            JobStore faultyJobs = faulty(JobStore.class, jobs);
            RecordingEventPublisher events = new RecordingEventPublisher();
            runHop = new RunHopService(
                    config,
                    new RunHopService.Ports(
                            faultyJobs,
                            faulty(WorkQueue.class, work),
                            faulty(WorkQueue.class, finalize),
                            new InMemoryCompletionCache(clock),
                            faulty(RateLimiter.class, new InMemoryRateLimiter(clock)),
                            faulty(SpendLedger.class, new InMemorySpendLedger()),
                            new FaultyModel(),
                            faultyEmbedder(embedder),
                            vectors,
                            traces,
                            events,
                            Telemetry.NONE,
                            new ScriptedStructuredOutput()),
                    clock,
                    new SplittableRandom(seed ^ 7));
            finalizer = new FinalizeJobService(
                    config, faultyJobs, events, Telemetry.NONE, new ScriptedStructuredOutput(), clock);
        }

        List<Job> submit(int count) {
            List<Job> accepted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String pipeline = PIPELINES.get(random.nextInt(PIPELINES.size()));
                String key = pipeline.equals("chain") ? "topic" : "question";
                // Some jobs share their input, so the cache answers some hops across jobs; one in five is poison,
                // input that makes a step throw on every try, whatever the faults.
                String value = random.nextInt(5) == 0 ? POISON + i : "q" + random.nextInt(3);
                SubmitJob.Result result = submit.submit(new SubmitJob.Command(
                        TestConfig.TENANT, pipeline, Map.of(key, value), Optional.empty(), CorrelationId.random()));
                accepted.add(((SubmitJob.Result.Accepted) result).job());
            }
            return accepted;
        }

        void runUntilQuiet() {
            for (int round = 0; round < 200_000; round++) {
                List<Delivery> visible = new ArrayList<>();
                work.receiveVisible().forEach(m -> visible.add(new Delivery((Envelope) m, true)));
                finalize.receiveVisible().forEach(m -> visible.add(new Delivery((Envelope) m, false)));
                if (visible.isEmpty()) {
                    if (work.size() == 0 && finalize.size() == 0) {
                        return;
                    }
                    clock.advance(Duration.ofSeconds(5));
                    continue;
                }
                Collections.shuffle(visible, new java.util.Random(random.nextLong()));
                for (Delivery d : visible) {
                    deliver(d);
                    if (chaos() && random.nextDouble() < duplicateRate) {
                        // SQS delivered it twice: a copy is back in the queue.
                        (d.hop() ? work : finalize).send(d.envelope());
                    }
                }
            }
            throw new AssertionError("the queues never went quiet");
        }

        private record Delivery(Envelope envelope, boolean hop) {}

        private void deliver(Delivery d) {
            chaosLeft--;
            InMemoryWorkQueue queue = d.hop() ? work : finalize;
            Envelope envelope = d.envelope();
            try {
                HopOutcome outcome = d.hop() ? runHop.run(envelope) : finalizer.finalizeJob(envelope);
                if (outcome instanceof HopOutcome.Retry) {
                    returnToQueue(queue, envelope, null);
                }
            } catch (Crash e) {
                returnToQueue(queue, envelope, null);
            } catch (RuntimeException e) {
                returnToQueue(queue, envelope, e);
            }
        }

        /**
         * What SQS does with an unacked message: back after the visibility timeout, or to the dead-letter queue after
         * its last receive; on that last receive the handler fails the job with the error, if it can.
         */
        private void returnToQueue(InMemoryWorkQueue queue, Envelope envelope, RuntimeException failure) {
            if (envelope.attempt() >= MAX_RECEIVE_COUNT) {
                if (failure != null) {
                    try {
                        finalizer.abandon(envelope, "failed on every delivery; last error: " + failure);
                    } catch (Crash | RuntimeException e) {
                        // The dead letter keeps the job for the operator's redrive.
                    }
                }
                deadLetters.add(envelope);
                return;
            }
            queue.send(envelope.withAttempt(envelope.attempt() + 1), VISIBILITY);
        }

        /** The operator's redrive: every dead letter's job is tried again. */
        void redrive() {
            RetryJobService retry = new RetryJobService(jobs, work, finalize, clock);
            for (QueueMessage m : List.copyOf(deadLetters)) {
                retry.retry(((Envelope) m).jobId());
            }
            deadLetters.clear();
        }

        boolean chaos() {
            return chaosLeft > 0;
        }

        boolean fault() {
            return chaos() && random.nextDouble() < faultRate;
        }

        /** The port, failing now and then before or after it did its work, or dying around it. */
        <T> T faulty(Class<T> port, T real) {
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(real, args);
                }
                if (fault()) {
                    if (random.nextBoolean()) {
                        throw new Crash();
                    }
                    throw new TransientException(port.getSimpleName() + "." + method.getName() + " timed out", null);
                }
                Object result;
                try {
                    result = method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (fault()) {
                    // The write happened; the caller never hears of it.
                    if (random.nextBoolean()) {
                        throw new Crash();
                    }
                    throw new TransientException(port.getSimpleName() + "." + method.getName() + " lost reply", null);
                }
                return result;
            };
            return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, handler));
        }

        Embedder faultyEmbedder(Embedder real) {
            return new Embedder() {
                @Override
                public List<float[]> embed(List<String> texts) {
                    if (fault() || texts.stream().anyMatch(t -> t.contains(POISON))) {
                        throw new IllegalArgumentException("input contains a character the tokenizer rejects");
                    }
                    return real.embed(texts);
                }

                @Override
                public int dimension() {
                    return real.dimension();
                }
            };
        }

        /** A provider that throttles, fails for a while, fails for good, throws the unexpected, or answers. */
        final class FaultyModel implements LanguageModel {
            @Override
            public Completion complete(ModelCall call) {
                if (call.prompt().contains(POISON)) {
                    throw new IllegalArgumentException("unpaired surrogate in the request body");
                }
                if (fault()) {
                    int kind = random.nextInt(5);
                    if (kind == 4) {
                        throw new Crash();
                    }
                    throw switch (kind) {
                        case 0 -> new ThrottledException("429", Duration.ofSeconds(10), null);
                        case 1 -> new TransientException("503 from provider", null);
                        case 2 -> new PermanentException("400 context length exceeded", null);
                        default -> new IllegalStateException("response had no choices");
                    };
                }
                String text = call.model().modelId().equals("gpt-fast")
                                && call.prompt().startsWith("q")
                        ? "{\"answer\":\"" + call.prompt() + "\",\"confidence\":0.9}"
                        : "answer to " + call.prompt().length();
                paid.merge(
                        call.correlationId().value() + "|" + call.model().modelId() + "|" + call.prompt(),
                        1,
                        Integer::sum);
                return new Completion(text, new TokenUsage(10, 5), call.model().modelId(), "stop", "{}");
            }
        }
    }
}
