package dev.sluice.domain.fake;

import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.port.TraceStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Traces in a map, one per job and hop. */
public final class InMemoryTraceStore implements TraceStore {
    private final Map<JobId, Map<Integer, HopTrace>> traces = new ConcurrentHashMap<>();
    private RuntimeException refusal;

    /** Every later {@link #record} throws {@code failure} (a store that refuses the writes). */
    public synchronized void refuseWith(RuntimeException failure) {
        this.refusal = failure;
    }

    @Override
    public synchronized void record(HopTrace trace) {
        if (refusal != null) {
            throw refusal;
        }
        traces.computeIfAbsent(trace.jobId(), k -> new TreeMap<>()).put(trace.hop(), trace);
    }

    @Override
    public List<HopTrace> find(Job job) {
        return find(job.id());
    }

    public synchronized List<HopTrace> find(JobId job) {
        return traces.getOrDefault(job, Map.of()).values().stream()
                .sorted(Comparator.comparingInt(HopTrace::hop))
                .toList();
    }
}
