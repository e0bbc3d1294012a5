package dev.sluice.local;

import dev.sluice.bootstrap.batcher.BatcherHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stand-in for the batcher's EventBridge Scheduler schedule: the same handler, run every {@code period} on
 * one thread (a run never overlaps the last), until closed.
 */
final class BatcherTimer implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final AtomicLong runs = new AtomicLong();

    BatcherTimer(BatcherHandler batcher, Duration period) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-batcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        batcher.handleRequest(Map.of(), null);
                    } catch (RuntimeException e) {
                        // As a scheduled invocation that failed: the next run tries again.
                        System.err.println("sluice batcher run failed: " + e);
                    }
                    runs.incrementAndGet();
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** How many runs have finished. */
    long runs() {
        return runs.get();
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
    }
}
