package dev.sluice.local.console;

import dev.sluice.bootstrap.console.ConsoleSource;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Samples what has no history of its own every 5 s, for the console's charts: each queue's depth (SQS keeps none
 * locally; CloudWatch would) and the provider simulator's answers by outcome (429s among them). Ten minutes are kept.
 */
public final class ConsoleSampler implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ConsoleSampler.class);
    static final int KEPT = 120;

    private final ArrayDeque<ConsoleSource.Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private final Supplier<List<DeadLetterQueues.QueueDepth>> queues;
    private final Supplier<Map<String, Long>> providerOutcomes;
    private final Clock clock;

    public ConsoleSampler(
            Supplier<List<DeadLetterQueues.QueueDepth>> queues,
            Supplier<Map<String, Long>> providerOutcomes,
            Clock clock) {
        this.queues = queues;
        this.providerOutcomes = providerOutcomes;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sample, 0, 5, TimeUnit.SECONDS);
    }

    void sample() {
        try {
            ConsoleSource.Sample s =
                    new ConsoleSource.Sample(clock.instant(), queues.get(), Map.copyOf(providerOutcomes.get()));
            synchronized (samples) {
                samples.addLast(s);
                while (samples.size() > KEPT) {
                    samples.removeFirst();
                }
            }
        } catch (RuntimeException e) {
            // A stand-in stopping under the sampler (at shutdown): the chart misses one point.
            LOG.debug("console sample skipped: {}", e.toString());
        }
    }

    /** The history, oldest first. */
    public List<ConsoleSource.Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
