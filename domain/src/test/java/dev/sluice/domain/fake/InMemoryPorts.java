package dev.sluice.domain.fake;

import dev.sluice.domain.engine.RunHopService;
import dev.sluice.domain.port.EventPublisher;
import dev.sluice.domain.port.JobStore;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.TraceStore;
import dev.sluice.domain.port.WorkQueue;
import java.time.Clock;

/**
 * The engine's ports for a test that watches the jobs, the queues, the model, the traces and the events: the cache,
 * the limiter, the embedder and the vector store are fresh in-memory ones nobody else looks at.
 */
public final class InMemoryPorts {
    private InMemoryPorts() {}

    /** @param dimension the hashing embedder's vector size (the configured indexes' dimension) */
    public static RunHopService.Ports of(
            Clock clock,
            JobStore jobs,
            WorkQueue work,
            WorkQueue finalizeQueue,
            LanguageModel model,
            TraceStore traces,
            EventPublisher events,
            int dimension) {
        return of(clock, jobs, work, finalizeQueue, model, traces, events, dimension, new ScriptedStructuredOutput());
    }

    /**
     * As {@link #of}, with the reader the last hop's guardrails use: give the finalizer's own, so that an answer the
     * processor lets end its job is one the finalizer would have passed too.
     */
    public static RunHopService.Ports of(
            Clock clock,
            JobStore jobs,
            WorkQueue work,
            WorkQueue finalizeQueue,
            LanguageModel model,
            TraceStore traces,
            EventPublisher events,
            int dimension,
            StructuredOutput structured) {
        return new RunHopService.Ports(
                jobs,
                work,
                finalizeQueue,
                new InMemoryCompletionCache(clock),
                new InMemoryRateLimiter(clock),
                new InMemorySpendLedger(),
                model,
                new HashingEmbedder(dimension),
                new InMemoryVectorStore(),
                traces,
                events,
                Telemetry.NONE,
                structured);
    }
}
