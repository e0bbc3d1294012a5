package dev.sluice.domain.engine;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.StructuredOutput;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The pipeline engine. One delivery of a hop message: take the hop's lease, run its steps (retrievals, then one
 * model call), memoise the result on the job by a conditional write on the expected hop, and only then queue the
 * next hop or the finalizer. A redelivery of a hop already done re-queues what comes next instead of paying for
 * the model again.
 */
public final class RunHopService implements RunHop {
    /** How often a copy of a hop message that found the hop leased comes back to look again. */
    static final Duration HELD_RECHECK = Duration.ofSeconds(30);

    private final SluiceConfig config;
    private final JobStore jobs;
    private final Retrieval retrieval;
    private final ModelInvoker invoker;
    private final Onward onward;
    private final TraceStore traces;
    private final JobEnding ending;
    private final Guardrail guardrail;
    private final Telemetry telemetry;
    private final Clock clock;

    public RunHopService(SluiceConfig config, Ports ports, Clock clock, RandomGenerator random) {
        this(config, ports, clock, random, ModelInvoker.Pause.SLEEP);
    }

    RunHopService(SluiceConfig config, Ports ports, Clock clock, RandomGenerator random, ModelInvoker.Pause pause) {
        this(
                config,
                ports.jobs(),
                new Retrieval(ports.embedder(), ports.vectors()),
                new ModelInvoker(
                        config,
                        ports.cache(),
                        ports.parked(),
                        new SemanticAnswers(ports.embedder(), ports.vectors(), ports.cache(), clock, ports.telemetry()),
                        ports.limiter(),
                        ports.ledger(),
                        ports.model(),
                        ports.telemetry(),
                        clock,
                        pause),
                new Onward(
                        ports.work(),
                        ports.finalizeQueue(),
                        new Deferral(config.engine().maxDeferral(), random),
                        ports.telemetry()),
                ports.traces(),
                new JobEnding(ports.jobs(), ports.events(), ports.telemetry(), clock),
                new Guardrail(ports.structured()),
                ports.telemetry(),
                clock);
    }

    /** The engine from its parts: what a hop retrieves, asks the model, sends on, records and ends with. */
    RunHopService(
            SluiceConfig config,
            JobStore jobs,
            Retrieval retrieval,
            ModelInvoker invoker,
            Onward onward,
            TraceStore traces,
            JobEnding ending,
            Guardrail guardrail,
            Telemetry telemetry,
            Clock clock) {
        this.guardrail = guardrail;
        this.config = config;
        this.jobs = jobs;
        this.retrieval = retrieval;
        this.invoker = invoker;
        this.onward = onward;
        this.traces = traces;
        this.ending = ending;
        this.telemetry = telemetry;
        this.clock = clock;
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
                // Back when the lease runs out, or sooner: a live holder usually finishes well before, and this copy
                // then only has to see the job moved on.
                onward.after(
                        envelope,
                        min(Duration.between(started, held.until()), HELD_RECHECK),
                        "another delivery is running this hop");
            case JobStore.LeaseResult.Moved moved -> afterMove(envelope, moved.job());
            case JobStore.LeaseResult.Acquired acquired -> {
                Job job = acquired.job();
                if (acquired.attempt() > config.engine().maxAttempts()) {
                    // Earlier leases were taken and never given back: their deliveries stopped mid-hop (a timeout,
                    // a crash). The count lives on the job, so no redelivery or deferral can reset it.
                    yield failWaiting(
                            envelope,
                            job,
                            "hop " + envelope.hop() + " was started " + (acquired.attempt() - 1)
                                    + " times and never finished (each delivery stopped mid-hop)");
                }
                if (pipeline.isEmpty()) {
                    yield failWaiting(envelope, job, "pipeline '" + envelope.pipeline() + "' is no longer configured");
                }
                if (envelope.deadline().isPresent()
                        && started.isAfter(envelope.deadline().get())) {
                    yield failWaiting(
                            envelope,
                            job,
                            "deadline " + envelope.deadline().get() + " passed before hop " + envelope.hop());
                }
                if (envelope.hop() >= pipeline.get().hopCount()) {
                    yield failWaiting(
                            envelope,
                            job,
                            "hop " + envelope.hop() + " does not exist in pipeline '" + envelope.pipeline() + "'");
                }
                yield guarded(new Attempt(envelope, job, acquired.attempt(), started), pipeline.get());
            }
        };
    }

    /** The job is past this hop or has ended: make sure what this hop owed downstream was sent. */
    private HopOutcome afterMove(Envelope envelope, Job job) {
        if (job.status() == JobStatus.SUCCEEDED && job.hop() == envelope.hop() + 1) {
            // The last hop ended the job with its memo; the finalizer may not have been told: tell it (it announces,
            // again at worst, as events are at least once).
            HopOutcome resent = onward.next(envelope, job);
            return resent instanceof HopOutcome.Retry ? resent : new HopOutcome.Duplicate();
        }
        if (job.status().isTerminal()) {
            return new HopOutcome.Duplicate();
        }
        if (job.hop() == envelope.hop() + 1) {
            // The memo was written but the process may have died before sending: send again (harmless if not).
            HopOutcome resent = onward.next(envelope, job);
            return resent instanceof HopOutcome.Retry ? resent : new HopOutcome.Duplicate();
        }
        if (job.hop() > envelope.hop()) {
            return new HopOutcome.Duplicate();
        }
        return new HopOutcome.Retry("job " + job.id() + " is at hop " + job.hop() + ", not yet at " + envelope.hop());
    }

    /** One leased attempt at a hop. */
    private record Attempt(Envelope envelope, Job job, int number, Instant started) {
        int hop() {
            return envelope.hop();
        }
    }

    /**
     * Runs the hop and classifies whatever it throws, so no failure leaves the lease held: throttling defers
     * (the attempt is given back), a transient failure is tried again later (the attempt counts), a permanent or an
     * unknown one fails the job. The job's reason names the part of the hop and the kind of failure; what the
     * dependency said goes only to the operator (the hop's trace, the outcome's detail).
     */
    private HopOutcome guarded(Attempt attempt, Pipeline pipeline) {
        Progress progress = new Progress("hop " + attempt.hop());
        try {
            return execute(attempt, pipeline, progress);
        } catch (ThrottledException e) {
            jobs.releaseLease(attempt.job().id(), attempt.hop(), JobStore.Release.REFUNDED);
            return onward.after(attempt.envelope(), e.retryAfter(), progress.where() + " throttled: " + e.getMessage());
        } catch (TransientException e) {
            return retryOrFail(attempt, progress.failed(e), progress);
        } catch (RuntimeException | StackOverflowError e) {
            // Permanent, or unknown, which means permanent: the same input would throw the same way on every delivery.
            return fail(attempt, progress.failed(e), progress);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * @param kept the step outputs later hops read: a retrieval's context is memoised on the job only if one does (the
     *     trace keeps its chunks), since every later write of the job's item pays for every kilobyte it holds
     */
    private HopOutcome execute(Attempt attempt, Pipeline pipeline, Progress progress) {
        Pipeline.Hop hop = pipeline.hops().get(attempt.hop());
        Set<String> kept = pipeline.readAfter(attempt.hop());
        Pipeline.CacheScope cache = pipeline.cache();
        Envelope envelope = attempt.envelope();
        Map<String, String> bindings = attempt.job().bindings();
        Map<String, String> outputs = new LinkedHashMap<>();
        List<RetrievedChunk> retrieved = progress.retrieved;
        for (Step.Retrieve r : hop.retrievals()) {
            progress.at("retrieval '" + r.name() + "'");
            List<RetrievedChunk> chunks = retrieval.search(r, envelope, bindings, progress::calling);
            retrieved.addAll(chunks);
            String text = Retrieval.context(chunks);
            bindings.put("steps." + r.name(), text);
            if (kept.contains(r.name())) {
                outputs.put(r.name(), text);
            }
        }
        Step.Generate g = hop.generate();
        progress.at("step '" + g.name() + "'");
        progress.model = g.model();
        String system = g.system().render(bindings);
        String prompt = g.prompt().render(bindings);
        progress.system = Optional.of(system);
        progress.prompt = Optional.of(prompt);
        progress.calling(ModelInvoker.provider(g.model()));
        return switch (invoker.invoke(
                envelope.pipeline(),
                g.model(),
                system,
                prompt,
                envelope.correlationId(),
                attempt.job().tenant(),
                attempt.job().priority(),
                cache,
                g.semantic().flatMap(caching -> similar(envelope, attempt.job(), g, bindings, caching)),
                // A batch answer must come before the job's deadline; one the batch window cannot meet runs live.
                // A live job with a deadline may go that way too, when its deadline leaves the batch window room.
                pipeline.mode() == Mode.BATCH || attempt.job().mode() == Mode.BATCH
                        ? Optional.of(envelope.deadline().orElse(Instant.MAX))
                        : envelope.deadline(),
                envelope.parkedOn())) {
            case ModelInvoker.Result.Throttled t -> {
                jobs.releaseLease(attempt.job().id(), attempt.hop(), JobStore.Release.REFUNDED);
                yield onward.after(envelope, t.retryAfter(), t.reason());
            }
            case ModelInvoker.Result.Parked p -> {
                // Not tried: the hop keeps its message (re-sent with a delay) until its line is answered.
                jobs.releaseLease(attempt.job().id(), attempt.hop(), JobStore.Release.REFUNDED);
                yield onward.after(p.lineKey().map(envelope::parkedOn).orElse(envelope), p.recheck(), p.reason());
            }
            case ModelInvoker.Result.OverBudget o
            when o.then() == Budget.OverBudget.WAIT -> {
                // Not tried, so the attempt is given back; the hop looks again when the period starts over (at most
                // the longest deferral later, so a raised budget is seen soon), until its deadline, if any.
                jobs.releaseLease(attempt.job().id(), attempt.hop(), JobStore.Release.REFUNDED);
                yield onward.after(
                        envelope,
                        Duration.between(clock.instant(), o.refused().resetsAt()),
                        o.refused().reason());
            }
            case ModelInvoker.Result.OverBudget o ->
                fail(attempt, Failures.of(progress.where(), o.refused().reason(), List.of()), progress);
            case ModelInvoker.Result.Unavailable u -> {
                Failures.Failure failure = Failures.of(progress.where(), u.reason(), u.details());
                yield u.worthRetrying() ? retryOrFail(attempt, failure, progress) : fail(attempt, failure, progress);
            }
            case ModelInvoker.Result.Answered a -> {
                outputs.put(g.name(), a.completion().text());
                progress.at(progress.where() + ", recording its answer");
                progress.calling("sluice's job store");
                yield memoAndSend(attempt, pipeline, new Rendered(outputs, retrieved, system, prompt), a);
            }
        };
    }

    /**
     * What the step's semantic cache compares: the values of the inputs its templates use, each after its name (none
     * when they are longer than {@link SemanticCaching#MAX_INPUT_CHARS}: the step then has the exact cache only); and
     * the frame, everything else the prompt holds (the templates rendered with those inputs left out: retrieved
     * chunks, earlier steps' outputs, the system prompt), which must be the same for an earlier answer to serve.
     */
    private static Optional<SemanticAnswers.Ask> similar(
            Envelope envelope, Job job, Step.Generate g, Map<String, String> bindings, SemanticCaching caching) {
        Set<String> variables = new LinkedHashSet<>(g.system().variables());
        variables.addAll(g.prompt().variables());
        StringBuilder inputs = new StringBuilder();
        Map<String, String> framed = new HashMap<>(bindings);
        for (String v : variables) {
            if (v.startsWith("input.")) {
                inputs.append(inputs.isEmpty() ? "" : "\n")
                        .append(v.substring("input.".length()))
                        .append(": ")
                        .append(bindings.getOrDefault(v, ""));
                framed.put(v, "\u0000input\u0000");
            }
        }
        if (inputs.length() > SemanticCaching.MAX_INPUT_CHARS) {
            return Optional.empty();
        }
        String frame = Hashes.sha256Hex(
                envelope.pipeline(),
                g.name(),
                g.system().render(framed),
                g.prompt().render(framed));
        return Optional.of(new SemanticAnswers.Ask(job.tenant(), frame, inputs.toString(), caching, job.id()));
    }

    /**
     * How far a hop got: which part is running and which dependency it is calling, named in the reason if it fails,
     * and what it had rendered and retrieved, kept on the trace of a hop that failed.
     */
    private static final class Progress {
        private String where;
        private String calling;
        final List<RetrievedChunk> retrieved = new ArrayList<>();
        String model = "";
        Optional<String> system = Optional.empty();
        Optional<String> prompt = Optional.empty();

        Progress(String where) {
            this.where = where;
        }

        void at(String part) {
            this.where = part;
            this.calling = null;
        }

        /** The dependency about to be called, as a tenant knows it ({@code the vector store}). */
        void calling(String dependency) {
            this.calling = dependency;
        }

        String where() {
            return where;
        }

        Failures.Failure failed(Throwable e) {
            return Failures.of(where, calling, e);
        }
    }

    /** What the hop produced before its model call answered. */
    private record Rendered(
            Map<String, String> outputs, List<RetrievedChunk> retrieved, String system, String prompt) {}

    private HopOutcome memoAndSend(
            Attempt attempt, Pipeline pipeline, Rendered rendered, ModelInvoker.Result.Answered answer) {
        Envelope envelope = attempt.envelope();
        Completion completion = answer.completion();
        // A hit the tenant may not be told of (another tenant's entry) reads as answered, at the answer's price.
        boolean shownAsHit = answer.cacheHit() && answer.disclosed();
        TokenUsage usage = shownAsHit ? TokenUsage.ZERO : completion.usage();
        Cost cost = answer.prices().costOf(usage);
        Instant now = clock.instant();
        Duration duration = Duration.between(attempt.started(), now);
        HopRecord record = new HopRecord(
                envelope.hop(),
                rendered.outputs(),
                answer.model().alias(),
                completion.modelId(),
                answer.fallbacks(),
                shownAsHit,
                usage,
                cost,
                attempt.started(),
                duration,
                traces.place(attempt.job().id(), envelope.hop()),
                answer.semantic(),
                answer.batched());
        Optional<String> result = envelope.hop() + 1 == pipeline.hopCount()
                ? passedGuardrails(pipeline, attempt.job().advancedWith(record, now))
                : Optional.empty();
        // The last hop's answer that passes the guardrails ends the job in the memo's own write; the finalizer then
        // only announces it. An answer they reject (or cannot check) is memoised, and the finalizer fails the job.
        Optional<Job> advanced = result.isPresent()
                ? jobs.advanceAndComplete(attempt.job().id(), record, result.get(), now)
                : jobs.advance(attempt.job().id(), record, now);
        if (advanced.isEmpty()) {
            return new HopOutcome.Duplicate();
        }
        HopOutcome outcome = onward.next(envelope, advanced.get());
        recordTrace(new HopTrace(
                attempt.job().id(),
                envelope.correlationId(),
                envelope.hop(),
                rendered.retrieved(),
                Optional.of(rendered.system()),
                Optional.of(rendered.prompt()),
                // The record says what the tenant may know; the operator reads whether it really was a hit.
                new HopTrace.Answered(record, completion.text(), completion.raw(), answer.cacheHit()),
                answer.errors()));
        return outcome;
    }

    /** The result the pipeline's guardrails make of the job's answer, or empty when they reject or cannot check it. */
    private Optional<String> passedGuardrails(Pipeline pipeline, Job answered) {
        String answer = answered.bindings().getOrDefault("steps." + pipeline.answerStep(), "");
        try {
            return guardrail.apply(pipeline.guardrails(), answer) instanceof Guardrail.Verdict.Passed passed
                    ? Optional.of(passed.text())
                    : Optional.empty();
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.empty(); // the finalizer runs them again and fails the job with the reason
        }
    }

    /**
     * The hop's trace, after its memo or its job's failure is written: whatever the trace store says, the hop is done
     * (paid for, or failed), so a lost trace is counted and must neither run it again nor fail the job.
     */
    private void recordTrace(HopTrace trace) {
        try {
            traces.record(trace);
        } catch (PortException e) {
            telemetry.traceLost();
        }
    }

    /**
     * A transient failure: tried again after a backoff (re-sent with a delay, so it never uses up the queue's
     * receives), until the attempts counted on the job reach the limit and the job fails with the reason.
     */
    private HopOutcome retryOrFail(Attempt attempt, Failures.Failure failure, Progress progress) {
        if (attempt.number() >= config.engine().maxAttempts()) {
            return fail(attempt, failure.andThen("; gave up after " + attempt.number() + " attempts"), progress);
        }
        jobs.releaseLease(attempt.job().id(), attempt.hop(), JobStore.Release.COUNTED);
        return onward.backoff(attempt.envelope(), attempt.number(), failure.detail());
    }

    /** A failure sluice found itself (a deadline, a pipeline gone): the reason is all there is to say. */
    /**
     * Fails a job before its hop runs; a call the hop had parked for a batch lets its line go, so the budget's hold
     * taken for it is released.
     */
    private HopOutcome failWaiting(Envelope envelope, Job job, String reason) {
        envelope.parkedOn().ifPresent(line -> invoker.letGo(line, job.tenant()));
        return fail(job, reason);
    }

    private HopOutcome fail(Job job, String reason) {
        ending.fail(job, reason);
        return new HopOutcome.Failed(reason);
    }

    /**
     * A failure met running the hop: the job's reason is the tenant's, and the detail is kept on the hop's trace,
     * with what the hop had rendered and retrieved, for the operator.
     */
    private HopOutcome fail(Attempt attempt, Failures.Failure failure, Progress progress) {
        if (ending.fail(attempt.job(), failure.reason()).isPresent()) {
            Envelope envelope = attempt.envelope();
            recordTrace(new HopTrace(
                    attempt.job().id(),
                    envelope.correlationId(),
                    envelope.hop(),
                    progress.retrieved,
                    progress.system,
                    progress.prompt,
                    new HopTrace.Failed(
                            progress.model, attempt.started(), Duration.between(attempt.started(), clock.instant())),
                    failure.detail().isEmpty() ? List.of() : List.of(failure.detail())));
        }
        return new HopOutcome.Failed(failure.reason(), failure.detail());
    }

    /** The driven ports the engine needs, gathered so its constructor stays readable. */
    public record Ports(
            JobStore jobs,
            WorkQueue work,
            WorkQueue finalizeQueue,
            CompletionCache cache,
            RateLimiter limiter,
            SpendLedger ledger,
            LanguageModel model,
            Embedder embedder,
            VectorStore vectors,
            TraceStore traces,
            EventPublisher events,
            Telemetry telemetry,
            StructuredOutput structured,
            ParkedCalls parked) {

        /** The ports of an engine with no batch route: every model call is made live. */
        public Ports(
                JobStore jobs,
                WorkQueue work,
                WorkQueue finalizeQueue,
                CompletionCache cache,
                RateLimiter limiter,
                SpendLedger ledger,
                LanguageModel model,
                Embedder embedder,
                VectorStore vectors,
                TraceStore traces,
                EventPublisher events,
                Telemetry telemetry,
                StructuredOutput structured) {
            this(
                    jobs,
                    work,
                    finalizeQueue,
                    cache,
                    limiter,
                    ledger,
                    model,
                    embedder,
                    vectors,
                    traces,
                    events,
                    telemetry,
                    structured,
                    ParkedCalls.NONE);
        }
    }
}
