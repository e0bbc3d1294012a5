package dev.sluice.domain.port;

import static dev.sluice.domain.fake.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link TraceStore} must do. */
public abstract class TraceStoreContract {

    protected abstract TraceStore store();

    /** The trace of an answered hop as the engine records it: placed by the store first. */
    HopTrace placed(JobId job, int hop, String response) {
        return trace(job, hop, response, store().place(job, hop));
    }

    protected static HopTrace trace(JobId job, int hop, String response) {
        return trace(job, hop, response, Optional.empty());
    }

    protected static HopTrace trace(JobId job, int hop, String response, Optional<String> traceAt) {
        return new HopTrace(
                job,
                new CorrelationId("corr-t"),
                hop,
                List.of(new RetrievedChunk("c1", "doc", "Rayleigh scattering...", 0.87, Map.of("lang", "en"))),
                Optional.of("You are terse."),
                Optional.of("Why is the sky blue?"),
                new HopTrace.Answered(
                        new HopRecord(
                                hop,
                                // A store need not keep a record's outputs: the job's memo has them.
                                Map.of(),
                                "fast",
                                "gpt-4o-mini",
                                List.of("primary (circuit open)"),
                                false,
                                new TokenUsage(40, 12, 8),
                                Cost.usd("0.0000123"),
                                T0,
                                Duration.ofMillis(812),
                                traceAt),
                        response,
                        "{\"choices\":[]}",
                        false),
                List.of("model 'primary': CircuitOpenException: primary: circuit open, call not made"));
    }

    /** The job as the engine leaves it: each answered hop memoised with where its trace was placed. */
    protected static Job memoised(JobId id, HopTrace... answered) {
        Job job = Fixtures.job(id, Fixtures.TENANT, Map.of("question", "why?"));
        for (HopTrace trace : answered) {
            job = job.advancedWith(((HopTrace.Answered) trace.ending()).record(), T0);
        }
        return job;
    }

    /** What a store may leave out of an answered hop's record (the contract): where it was placed. */
    protected static HopTrace unplaced(HopTrace trace) {
        if (trace.ending() instanceof HopTrace.Answered a) {
            var r = a.record();
            return new HopTrace(
                    trace.jobId(),
                    trace.correlationId(),
                    trace.hop(),
                    trace.retrieved(),
                    trace.system(),
                    trace.prompt(),
                    new HopTrace.Answered(
                            new dev.sluice.domain.model.HopRecord(
                                    r.hop(),
                                    r.outputs(),
                                    r.model(),
                                    r.modelId(),
                                    r.fallbacks(),
                                    r.cacheHit(),
                                    r.usage(),
                                    r.cost(),
                                    r.startedAt(),
                                    r.duration()),
                            a.response(),
                            a.raw(),
                            a.cacheHit()),
                    trace.errors());
        }
        return trace;
    }

    List<HopTrace> found(Job job) {
        return store().find(job).stream().map(TraceStoreContract::unplaced).toList();
    }

    @Test
    void recordsComeBackInHopOrderWithEveryField() {
        JobId job = JobId.random();
        HopTrace first = placed(job, 0, "first");
        HopTrace second = placed(job, 1, "second");
        store().record(second);
        store().record(first);
        assertThat(found(memoised(job, first, second))).containsExactly(unplaced(first), unplaced(second));
    }

    @Test
    void recordingAHopAgainReplacesIt() {
        JobId job = JobId.random();
        store().record(trace(job, 0, "first"));
        HopTrace again = placed(job, 0, "again");
        store().record(again);
        assertThat(found(memoised(job, again))).containsExactly(unplaced(again));
    }

    @Test
    void theTraceOfAHopThatFailedComesBackAsRecorded() {
        JobId job = JobId.random();
        HopTrace failed = new HopTrace(
                job,
                new CorrelationId("corr-t"),
                0,
                List.of(),
                Optional.of(""),
                Optional.of("Why is the sky blue?"),
                new HopTrace.Failed("fast", T0, Duration.ofMillis(40)),
                List.of("step 'answer': model 'fast': PermanentException: fast answered 400"));
        store().record(failed);

        assertThat(store().find(memoised(job))).containsExactly(failed);
    }

    @Test
    void aHopThatAnsweredAfterAFailedOneComesBackAfterIt() {
        JobId job = JobId.random();
        HopTrace answered = placed(job, 0, "first");
        store().record(answered);
        HopTrace failed = new HopTrace(
                job,
                new CorrelationId("corr-t"),
                1,
                List.of(),
                Optional.of(""),
                Optional.of("And why is it red at sunset?"),
                new HopTrace.Failed("fast", T0, Duration.ofMillis(40)),
                List.of("step 'answer': model 'fast': PermanentException: fast answered 400"));
        store().record(failed);

        assertThat(found(memoised(job, answered))).containsExactly(unplaced(answered), failed);
    }

    @Test
    void aJobWithoutTracesHasNone() {
        assertThat(store().find(memoised(JobId.random()))).isEmpty();
    }
}
