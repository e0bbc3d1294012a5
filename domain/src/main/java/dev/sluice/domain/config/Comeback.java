package dev.sluice.domain.config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * When denied work of one lane (a tenant's work of one priority at one model key) should come back. Work far beyond
 * a model's limits must not cycle through the queue every second: a backlog of thousands from one tenant would
 * fill the queue with visible messages, and another tenant's job would wait behind all of them before admission is
 * even asked. Nor may it come back in waves: a backlog told to wait the same time returns all at once, and the key
 * idles between waves.
 *
 * <p>So denied work of a lane is given return slots, one after another, spaced so that the lane's work comes back
 * {@link #TARGET} times as fast as the lane is being granted (measured every {@link #WINDOW}, smoothed): each denial
 * takes the next slot after the last one given, and never one before the limiter's own wait. A backlog of N then
 * waits out of sight in a line about {@code N / (TARGET × grant rate)} long and returns as a steady stream, a little
 * faster than it can be admitted, so the key stays busy while another tenant's job meets only a few visible
 * messages. When room grows (another tenant stops), asks beyond the grants find it and the spacing shrinks by up to
 * {@link #TARGET} per window. No slot is further than {@link #LONGEST} away; a
 * line longer than that spreads its surplus over the second half of it.
 *
 * <p>Not thread-safe: a limiter holds one per lane under its own lock.
 */
public final class Comeback {
    /** How often the lane's grants are weighed. */
    public static final Duration WINDOW = Duration.ofSeconds(5);

    /** How much faster than it is granted a lane's denied work comes back. */
    public static final double TARGET = 2.0;

    /** The longest wait given (SQS delays a message at most 15 minutes). */
    public static final Duration LONGEST = Duration.ofMinutes(5);

    /** The grant rate assumed for a lane granted nothing in a window (per second): one per {@link #WINDOW}. */
    private static final double LEAST_RATE = 1.0 / WINDOW.toSeconds();

    private final RandomGenerator random;
    private long windowStart = Long.MIN_VALUE;
    private int grants;
    /** Grants per second, smoothed over windows; negative until a window has been weighed. */
    private double rate = -1;
    /** The last slot given, in epoch millis. */
    private long lastSlot = Long.MIN_VALUE;

    public Comeback() {
        // The calling thread's own generator on every draw: a lane is used from many threads.
        this(() -> ThreadLocalRandom.current().nextLong());
    }

    /** @param random spreads the surplus of a line too long to keep out of sight */
    public Comeback(RandomGenerator random) {
        this.random = random;
    }

    /** An ask of this lane at {@code nowMillis}. */
    public void asked(long nowMillis) {
        roll(nowMillis);
    }

    /** A grant to this lane. */
    public void granted() {
        grants++;
    }

    /**
     * The retry-after to give a denial at {@code nowMillis} whose own wait is {@code wait}: the next return slot of
     * the lane, never before {@code wait}; {@code wait} itself until the lane's grant rate is known.
     */
    public Duration retryAfter(Duration wait, long nowMillis) {
        if (rate < 0) {
            return wait;
        }
        long spacing = Math.round(1000 / (TARGET * Math.max(rate, LEAST_RATE)));
        long longest = nowMillis + LONGEST.toMillis();
        long slot = Math.max(nowMillis + wait.toMillis(), Math.max(lastSlot, nowMillis) + spacing);
        if (slot > longest) {
            // The line is longer than a message can be kept out of sight: the surplus is spread over the second
            // half of the longest wait, so that it cannot return as one wave.
            long from = Math.min(longest, nowMillis + Math.max(wait.toMillis(), LONGEST.toMillis() / 2));
            lastSlot = longest;
            return Duration.ofMillis(random.nextLong(from, longest + 1) - nowMillis);
        }
        lastSlot = slot;
        return Duration.ofMillis(slot - nowMillis);
    }

    /** How long the line of work told to come back is at {@code nowMillis} ({@code 0}: nobody waits). */
    public Duration line(long nowMillis) {
        return lastSlot == Long.MIN_VALUE ? Duration.ZERO : Duration.ofMillis(Math.max(0, lastSlot - nowMillis));
    }

    private void roll(long nowMillis) {
        long elapsed = nowMillis - windowStart;
        if (windowStart == Long.MIN_VALUE || elapsed >= 2 * WINDOW.toMillis() && grants == 0 && lastSlot < nowMillis) {
            // First ask, or the lane was silent with nobody told to come back: its demand is not what it was.
            windowStart = nowMillis;
            grants = 0;
            rate = -1;
            return;
        }
        if (elapsed < WINDOW.toMillis()) {
            return;
        }
        double measured = grants * 1000.0 / elapsed;
        rate = rate < 0 ? measured : (rate + measured) / 2;
        windowStart = nowMillis;
        grants = 0;
    }
}
