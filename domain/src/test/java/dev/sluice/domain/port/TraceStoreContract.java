package dev.sluice.domain.port;

import static dev.sluice.domain.fake.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.HopTrace;
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

    static HopTrace trace(JobId job, int hop, String response) {
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
                                Duration.ofMillis(812)),
                        response,
                        "{\"choices\":[]}",
                        false),
                List.of("model 'primary': CircuitOpenException: primary: circuit open, call not made"));
    }

    @Test
    void recordsComeBackInHopOrderWithEveryField() {
        JobId job = JobId.random();
        store().record(trace(job, 1, "second"));
        store().record(trace(job, 0, "first"));
        assertThat(store().find(job)).containsExactly(trace(job, 0, "first"), trace(job, 1, "second"));
    }

    @Test
    void recordingAHopAgainReplacesIt() {
        JobId job = JobId.random();
        store().record(trace(job, 0, "first"));
        store().record(trace(job, 0, "again"));
        assertThat(store().find(job)).containsExactly(trace(job, 0, "again"));
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

        assertThat(store().find(job)).containsExactly(failed);
    }

    @Test
    void aJobWithoutTracesHasNone() {
        assertThat(store().find(JobId.random())).isEmpty();
    }
}
