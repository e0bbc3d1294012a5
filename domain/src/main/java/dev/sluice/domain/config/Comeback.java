package dev.sluice.domain.config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When denied work of one lane (a tenant's work of one priority at one model key) should come back. Work far beyond
 * a model's limits must not cycle through the queue every second: a backlog of thousands from one tenant would
 * fill the queue with visible messages, and another tenant's job would wait behind all of them before admission is
 * even asked. So a lane that asks much more often than it is granted is told to come back later, in proportion:
 * every {@link #WINDOW} the lane's asks are compared with its grants. While asks exceed {@link #TARGET} per grant the
 * suggested wait doubles (at most), but only once the last change has had time to show (the messages told the old
 * wait have come back); once asks fall to a grant each it halves. By Little's law it settles where denied work
 * returns about {@link #TARGET} times as fast as it can be admitted: out of sight, yet back before the backlog
 * drains, so the key stays busy.
 *
 * <p>Not thread-safe: a limiter holds one per lane under its own lock.
 */
public final class Comeback {
    /** How often the lane's asks and grants are compared. */
    public static final Duration WINDOW = Duration.ofSeconds(5);

    /** Asks per grant the lane may make before it is told to wait longer. */
    public static final double TARGET = 2.0;

    /** The longest wait suggested (SQS delays a message at most 15 minutes). */
    public static final Duration LONGEST = Duration.ofMinutes(5);

    private long windowStart = Long.MIN_VALUE;
    private int asks;
    private int grants;
    private long waitMillis;
    private long changedAt = Long.MIN_VALUE;

    /** An ask of this lane at {@code nowMillis}. */
    public void asked(long nowMillis) {
        roll(nowMillis);
        asks++;
    }

    /** A grant to this lane. */
    public void granted() {
        grants++;
    }

    /** The retry-after to give a denial whose own wait is {@code wait}: the longer of the two, with jitter. */
    public Duration retryAfter(Duration wait) {
        if (waitMillis <= 0) {
            return wait;
        }
        long spread = Math.round(
                waitMillis * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        return wait.toMillis() >= spread ? wait : Duration.ofMillis(spread);
    }

    /** The wait suggested now, without jitter ({@code 0}: none beyond the limiter's own). */
    public Duration suggested() {
        return Duration.ofMillis(waitMillis);
    }

    private void roll(long nowMillis) {
        long elapsed = nowMillis - windowStart;
        if (windowStart == Long.MIN_VALUE || elapsed >= 2 * WINDOW.toMillis()) {
            // First ask, or the lane was silent for a whole window: its demand is not what it was.
            windowStart = nowMillis;
            asks = 0;
            grants = 0;
            waitMillis = 0;
            changedAt = Long.MIN_VALUE;
            return;
        }
        if (elapsed < WINDOW.toMillis()) {
            return;
        }
        double perGrant = grants == 0 ? (asks > 0 ? 4 * TARGET : 0) : (double) asks / grants;
        boolean shown = changedAt == Long.MIN_VALUE || nowMillis - changedAt >= Math.min(waitMillis, 60_000);
        if (perGrant > TARGET && shown) {
            long from = Math.max(waitMillis, 1000);
            waitMillis = Math.min(LONGEST.toMillis(), Math.round(from * Math.min(perGrant / TARGET, 2)));
            changedAt = nowMillis;
        } else if (perGrant <= 1) {
            waitMillis = waitMillis < 2000 ? 0 : waitMillis / 2;
            changedAt = nowMillis;
        }
        windowStart = nowMillis;
        asks = 0;
        grants = 0;
    }
}
