package dev.sluice.bootstrap.shared;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a function's init time goes, by phase ({@code config}, {@code clients}, {@code embedder}, {@code index}),
 * recorded by the wiring as it builds the graph and logged once by each handler; what is left of the construction
 * is the Dagger graph and the handler itself; class loading runs inside all of them. A phase's time is its own: a client built while the configuration is
 * read counts as {@code clients}, not twice.
 */
public final class InitPhases {
    private static final Map<String, Long> NANOS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Deque<long[]>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static volatile Map<String, Double> last = Map.of();

    private InitPhases() {}

    /** Runs {@code work}, adding its own time (less that of phases nested in it) to {@code phase}. */
    public static <T> T time(String phase, Supplier<T> work) {
        Deque<long[]> open = OPEN.get();
        long[] nested = {0};
        open.push(nested);
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            long elapsed = System.nanoTime() - start;
            open.pop();
            NANOS.merge(phase, elapsed - nested[0], Long::sum);
            long[] parent = open.peek();
            if (parent != null) {
                parent[0] += elapsed;
            }
        }
    }

    /** The phases of the last handler construction {@link #log} reported, in milliseconds. */
    public static Map<String, Double> last() {
        return last;
    }

    /**
     * Logs, once per process, {@code dispatcher init 812 ms: clients 230 ms, config 41 ms, graph and handler 541 ms}:
     * from the handler class's loading to the end of its construction (the JVM's own start is before that).
     */
    public static synchronized void log(org.apache.logging.log4j.Logger log, String function, long loadedNanos) {
        long initNanos = System.nanoTime() - loadedNanos;
        Map<String, Long> sorted = new TreeMap<>(NANOS);
        log.info("{} {}", function, summary(initNanos, sorted));
        Map<String, Double> phases = new LinkedHashMap<>();
        sorted.forEach((phase, nanos) -> phases.put(phase, nanos / 1e6));
        // Several graphs share a JVM locally: each construction reports its own phases.
        NANOS.clear();
        last = Map.copyOf(phases);
    }

    private static String summary(long initNanos, Map<String, Long> sorted) {
        StringBuilder line = new StringBuilder(String.format("init %.0f ms:", initNanos / 1e6));
        long phases = 0;
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            line.append(String.format(" %s %.0f ms,", e.getKey(), e.getValue() / 1e6));
            phases += e.getValue();
        }
        return line.append(String.format(" graph and handler %.0f ms", (initNanos - phases) / 1e6))
                .toString();
    }
}
