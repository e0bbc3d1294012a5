package dev.sluice.emulators.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the simulated provider takes to answer: log-normal around {@code median} with the given {@code p99}, or
 * exactly {@code median} when {@code p99} is not above it.
 */
public record Latency(Duration median, Duration p99) {
    public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO);

    /** z-score of the 99th percentile of a standard normal distribution. */
    private static final double Z99 = 2.326;

    public Latency {
        Objects.requireNonNull(median, "'median' must not be null");
        Objects.requireNonNull(p99, "'p99' must not be null");
        if (median.isNegative() || p99.isNegative()) {
            throw new IllegalArgumentException("'median' and 'p99' must not be negative");
        }
    }

    public static Latency fixed(Duration latency) {
        return new Latency(latency, latency);
    }

    public static Latency ofMillis(long median, long p99) {
        return new Latency(Duration.ofMillis(median), Duration.ofMillis(p99));
    }

    Duration sample(RandomGenerator random) {
        if (median.isZero() || p99.compareTo(median) <= 0) {
            return median;
        }
        double sigma = Math.log((double) p99.toNanos() / median.toNanos()) / Z99;
        double nanos = median.toNanos() * Math.exp(sigma * random.nextGaussian());
        return Duration.ofNanos((long) Math.min(nanos, p99.toNanos() * 4.0));
    }
}
