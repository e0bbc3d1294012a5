package dev.sluice.domain.fake;

import dev.sluice.domain.config.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** Fixed one-minute windows per key, counted under a lock; the reference behaviour for the real limiter. */
public final class InMemoryRateLimiter implements RateLimiter {
    private final Clock clock;
    private final Map<String, long[]> windows = new HashMap<>();
    private int acquisitions;

    public InMemoryRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Admission tryAcquire(String key, RateLimits limits, TokenUsage estimate) {
        acquisitions++;
        Instant now = clock.instant();
        Instant window = now.truncatedTo(ChronoUnit.MINUTES);
        long[] used = windows.computeIfAbsent(key + "@" + window, k -> new long[4]);
        String over = over(limits, used, estimate);
        if (over != null) {
            Duration untilNext = Duration.between(now, window.plus(Duration.ofMinutes(1)));
            return new Admission.Denied(untilNext.isZero() ? Duration.ofMillis(1) : untilNext, over);
        }
        used[0] += 1;
        used[1] += estimate.total();
        used[2] += estimate.input();
        used[3] += estimate.output();
        return new Admission.Granted(new Permit(key, window, estimate));
    }

    private static String over(RateLimits l, long[] used, TokenUsage e) {
        if (l.rpm() > 0 && used[0] + 1 > l.rpm()) {
            return "requests per minute limit " + l.rpm() + " reached";
        }
        if (l.tpm() > 0 && used[1] + e.total() > l.tpm()) {
            return "tokens per minute limit " + l.tpm() + " reached";
        }
        if (l.inputTpm() > 0 && used[2] + e.input() > l.inputTpm()) {
            return "input tokens per minute limit " + l.inputTpm() + " reached";
        }
        if (l.outputTpm() > 0 && used[3] + e.output() > l.outputTpm()) {
            return "output tokens per minute limit " + l.outputTpm() + " reached";
        }
        return null;
    }

    @Override
    public synchronized void settle(Permit permit, TokenUsage actual) {
        long[] used = windows.get(permit.key() + "@" + permit.window());
        if (used == null) {
            return;
        }
        used[1] += actual.total() - permit.reserved().total();
        used[2] += actual.input() - permit.reserved().input();
        used[3] += actual.output() - permit.reserved().output();
    }

    public synchronized int acquisitions() {
        return acquisitions;
    }
}
