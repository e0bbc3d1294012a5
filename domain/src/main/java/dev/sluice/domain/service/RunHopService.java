package dev.sluice.domain.service;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.RunHop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The pipeline engine. One delivery of a hop message: take the hop's lease, run its steps (retrievals, then one
 * model call), memoise the result on the job by a conditional write on the expected hop, and only then queue the
 * next hop or the finalizer. A redelivery of a hop already done re-queues what comes next instead of paying for
 * the model again.
 */
public final class RunHopService implements RunHop {
    private final SluiceConfig config;
    private final JobStore jobs;
    private final WorkQueue work;
    private final WorkQueue finalizeQueue;
    private final ModelInvoker invoker;
    private final Embedder embedder;
    private final VectorStore vectors;
    private final TraceStore traces;
    private final JobEnding ending;
    private final Telemetry telemetry;
    private final Clock clock;
    private final RandomGenerator random;

    public RunHopService(SluiceConfig config, Ports ports, Clock clock, RandomGenerator random) {
        this.config = config;
        this.jobs = ports.jobs();
        this.work = ports.work();
        this.finalizeQueue = ports.finalizeQueue();
        this.invoker =
                new ModelInvoker(config, ports.cache(), ports.limiter(), ports.model(), ports.telemetry(), clock);
        this.embedder = ports.embedder();
        this.vectors = ports.vectors();
        this.traces = ports.traces();
        this.ending = new JobEnding(ports.jobs(), ports.events(), ports.telemetry(), clock);
        this.telemetry = ports.telemetry();
        this.clock = clock;
        this.random = random;
    }

    @Override
    public HopOutcome run(Envelope envelope) {
        Instant started = clock.instant();
        HopOutcome outcome = runOnce(envelope, started);
        telemetry.hopFinished(
                envelope.pipeline(), outcome.getClass().getSimpleName(), Duration.between(started, clock.instant()));
        return outcome;
    }

    private HopOutcome runOnce(Envelope envelope, Instant started) {
        Optional<Pipeline> pipeline = config.pipeline(envelope.pipeline());
        JobStore.LeaseResult lease = jobs.tryLease(
                envelope.jobId(),
                envelope.hop(),
                started,
                started.plus(config.engine().lease()));
        return switch (lease) {
            case JobStore.LeaseResult.Missing missing ->
                new HopOutcome.Failed("job " + envelope.jobId() + " does not exist");
            case JobStore.LeaseResult.Held held ->
                defer(envelope, Duration.between(started, held.until()), "another delivery is running this hop");
            case JobStore.LeaseResult.Moved moved -> afterMove(envelope, moved.job());
            case JobStore.LeaseResult.Acquired acquired -> {
                if (pipeline.isEmpty()) {
                    yield fail(acquired.job(), "pipeline '" + envelope.pipeline() + "' is no longer configured");
                }
                if (envelope.deadline().isPresent()
                        && started.isAfter(envelope.deadline().get())) {
                    yield fail(
                            acquired.job(),
                            "deadline " + envelope.deadline().get() + " passed before hop " + envelope.hop());
                }
                yield execute(envelope, acquired.job(), pipeline.get(), started);
            }
        };
    }

    /** The job is past this hop or has ended: make sure what this hop owed downstream was sent. */
    private HopOutcome afterMove(Envelope envelope, Job job) {
        if (job.status().isTerminal()) {
            return new HopOutcome.Duplicate();
        }
        if (job.hop() == envelope.hop() + 1) {
            // The memo was written but the process may have died before sending: send again (harmless if not).
            HopOutcome resent = sendNext(envelope, job);
            return resent instanceof HopOutcome.Retry ? resent : new HopOutcome.Duplicate();
        }
        if (job.hop() > envelope.hop()) {
            return new HopOutcome.Duplicate();
        }
        return new HopOutcome.Retry("job " + job.id() + " is at hop " + job.hop() + ", not yet at " + envelope.hop());
    }

    private HopOutcome execute(Envelope envelope, Job job, Pipeline pipeline, Instant started) {
        if (envelope.hop() >= pipeline.hopCount()) {
            return fail(job, "hop " + envelope.hop() + " does not exist in pipeline '" + pipeline.name() + "'");
        }
        Map<String, String> bindings = job.bindings();
        Map<String, String> outputs = new LinkedHashMap<>();
        List<RetrievedChunk> retrieved = new ArrayList<>();
        try {
            for (Step step : pipeline.hops().get(envelope.hop())) {
                switch (step) {
                    case Step.Retrieve r -> {
                        List<RetrievedChunk> chunks = retrieve(r, envelope, bindings);
                        retrieved.addAll(chunks);
                        String text = formatContext(chunks);
                        bindings.put("steps." + r.name(), text);
                        outputs.put(r.name(), text);
                    }
                    case Step.Generate g -> {
                        String system = g.system().render(bindings);
                        String prompt = g.prompt().render(bindings);
                        return switch (invoker.invoke(g.model(), system, prompt, envelope.correlationId())) {
                            case ModelInvoker.Result.Throttled t -> {
                                jobs.releaseLease(job.id(), envelope.hop());
                                yield defer(envelope, t.retryAfter(), t.reason());
                            }
                            case ModelInvoker.Result.Unavailable u ->
                                u.worthRetrying() ? retryOrFail(envelope, job, u.reason()) : fail(job, u.reason());
                            case ModelInvoker.Result.Answered a -> {
                                outputs.put(g.name(), a.completion().text());
                                yield memoAndSend(envelope, job, started, outputs, retrieved, system, prompt, a);
                            }
                        };
                    }
                }
            }
        } catch (ThrottledException e) {
            jobs.releaseLease(job.id(), envelope.hop());
            return defer(envelope, e.retryAfter(), "retrieval throttled: " + e.getMessage());
        } catch (TransientException e) {
            return retryOrFail(envelope, job, "retrieval failed: " + e.getMessage());
        } catch (PermanentException e) {
            return fail(job, "retrieval failed: " + e.getMessage());
        }
        throw new IllegalStateException("hop " + envelope.hop() + " of '" + pipeline.name() + "' has no generate step");
    }

    private List<RetrievedChunk> retrieve(Step.Retrieve step, Envelope envelope, Map<String, String> bindings) {
        String query = step.query().render(bindings);
        float[] vector = embedder.embed(List.of(query)).getFirst();
        return vectors.search(
                step.index(), new VectorStore.Query(envelope.tenant(), vector, step.topK(), step.filter()));
    }

    /** Retrieved chunks as the prompt sees them: numbered, so an answer can cite them. */
    static String formatContext(List<RetrievedChunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            if (i > 0) {
                text.append("\n\n");
            }
            text.append('[')
                    .append(i + 1)
                    .append("] ")
                    .append(chunks.get(i).text().strip());
        }
        return text.toString();
    }

    private HopOutcome memoAndSend(
            Envelope envelope,
            Job job,
            Instant started,
            Map<String, String> outputs,
            List<RetrievedChunk> retrieved,
            String system,
            String prompt,
            ModelInvoker.Result.Answered answer) {
        Completion completion = answer.completion();
        TokenUsage usage = answer.cacheHit() ? TokenUsage.ZERO : completion.usage();
        Cost cost = answer.model().prices().costOf(usage);
        Instant now = clock.instant();
        Duration duration = Duration.between(started, now);
        HopRecord record = new HopRecord(
                envelope.hop(),
                outputs,
                answer.model().alias(),
                completion.modelId(),
                answer.fallbacks(),
                answer.cacheHit(),
                usage,
                cost,
                started,
                duration);
        Optional<Job> advanced = jobs.advance(job.id(), record, now);
        if (advanced.isEmpty()) {
            return new HopOutcome.Duplicate();
        }
        HopOutcome outcome = sendNext(envelope, advanced.get());
        recordTrace(new HopTrace(
                job.id(),
                envelope.correlationId(),
                envelope.hop(),
                retrieved,
                system,
                prompt,
                completion.text(),
                completion.raw(),
                answer.model().alias(),
                completion.modelId(),
                answer.fallbacks(),
                answer.cacheHit(),
                usage,
                cost,
                started,
                duration));
        return outcome;
    }

    private void recordTrace(HopTrace trace) {
        try {
            traces.record(trace);
        } catch (TransientException e) {
            // The hop is done and paid for; a lost trace must not make a redelivery run it again.
            telemetry.traceLost();
        }
    }

    /** Queues the hop after {@code job.hop() - 1}: the next hop, or the finalizer after the last one. */
    private HopOutcome sendNext(Envelope envelope, Job job) {
        try {
            if (job.hop() >= job.hopCount()) {
                finalizeQueue.send(envelope.forHop(job.hop()));
                return new HopOutcome.Completed();
            }
            work.send(envelope.forHop(job.hop()));
            return new HopOutcome.Advanced(job.hop());
        } catch (TransientException e) {
            // The memo is safe; a redelivery of this message finds the job moved on and sends again.
            return new HopOutcome.Retry("could not queue the next step: " + e.getMessage());
        }
    }

    private HopOutcome defer(Envelope envelope, Duration retryAfter, String reason) {
        Duration base = retryAfter.isNegative() || retryAfter.isZero() ? Duration.ofSeconds(1) : retryAfter;
        // Jitter spreads the herd of deferred hops that would otherwise all come back in the same second.
        long jitterMillis = random.nextLong(Math.max(1, Math.min(base.toMillis() / 5, 5_000)) + 1);
        Duration delay = base.plusMillis(jitterMillis);
        if (delay.compareTo(config.engine().maxDeferral()) > 0) {
            delay = config.engine().maxDeferral();
        }
        // SQS delays are whole seconds: round up so the message never comes back before retry-after.
        delay = Duration.ofSeconds((delay.toMillis() + 999) / 1000);
        try {
            work.send(
                    new Envelope(
                            envelope.jobId(),
                            envelope.tenant(),
                            envelope.correlationId(),
                            envelope.pipeline(),
                            envelope.hop(),
                            1,
                            envelope.deadline()),
                    delay);
        } catch (TransientException e) {
            return new HopOutcome.Retry("throttled (" + reason + ") and could not re-queue: " + e.getMessage());
        }
        telemetry.deferred(delay);
        return new HopOutcome.Deferred(delay);
    }

    private HopOutcome retryOrFail(Envelope envelope, Job job, String reason) {
        if (envelope.attempt() >= config.engine().maxAttempts()) {
            return fail(job, reason + " (gave up after " + envelope.attempt() + " attempts)");
        }
        jobs.releaseLease(job.id(), envelope.hop());
        return new HopOutcome.Retry(reason);
    }

    private HopOutcome fail(Job job, String reason) {
        ending.fail(job, reason);
        return new HopOutcome.Failed(reason);
    }

    /** The driven ports the engine needs, gathered so its constructor stays readable. */
    public record Ports(
            JobStore jobs,
            WorkQueue work,
            WorkQueue finalizeQueue,
            CompletionCache cache,
            RateLimiter limiter,
            LanguageModel model,
            Embedder embedder,
            VectorStore vectors,
            TraceStore traces,
            EventPublisher events,
            Telemetry telemetry) {}
}
