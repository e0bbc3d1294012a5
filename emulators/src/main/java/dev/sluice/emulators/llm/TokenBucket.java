package dev.sluice.emulators.llm;

/**
 * One model's limits as two token buckets, a request bucket and a token bucket, each holding up to its per-minute limit
 * and refilled continuously at a sixtieth of it per second ({@link RateCounting#TOKEN_BUCKET}).
 */
final class TokenBucket implements RateCounter {
    private static final double MINUTE = RateWindow.WINDOW_NANOS;
    /** Levels are fractional; this much less than a whole request or token still counts as it. */
    private static final double EPSILON = 1e-6;

    private final Bucket requests = new Bucket();
    private final Bucket tokens = new Bucket();
    private boolean started;
    private long lastNanos;

    @Override
    public RateCounting counting() {
        return RateCounting.TOKEN_BUCKET;
    }

    @Override
    public synchronized Decision tryAdmit(long nowNanos, long rpm, long tpm, long requestTokens) {
        long elapsed = started ? Math.max(0, nowNanos - lastNanos) : 0;
        lastNanos = started ? Math.max(lastNanos, nowNanos) : nowNanos;
        started = true;
        requests.refill(rpm, elapsed);
        tokens.refill(tpm, elapsed);
        // A request larger than the whole bucket needs it full, and empties it.
        long tokenCost = Math.min(requestTokens, tpm);
        boolean requestsLeft = requests.holds(1);
        boolean tokensLeft = tokens.holds(tokenCost);
        if (requestsLeft && tokensLeft) {
            requests.take(1);
            tokens.take(tokenCost);
            long full = Math.max(requests.untilFull(), tokens.untilFull());
            return new Decision(true, 0, requests.remaining(), tokens.remaining(), full);
        }
        long wait = Math.max(requestsLeft ? 0 : requests.until(1), tokensLeft ? 0 : tokens.until(tokenCost));
        return new Decision(
                false,
                RateCounter.retryAfterSeconds(wait),
                requests.remaining(),
                tokens.remaining(),
                wait,
                requestsLeft);
    }

    @Override
    public synchronized void undo(long requestTokens) {
        requests.give(1);
        tokens.give(Math.min(requestTokens, tokens.capacity));
    }

    /** One bucket; {@code capacity} 0 means no limit. */
    private static final class Bucket {
        long capacity;
        double level;

        void refill(long limit, long elapsedNanos) {
            if (capacity == 0 || limit == 0) {
                // A limit just set (or none): the bucket starts full.
                level = limit;
            } else {
                level = Math.min(limit, level + elapsedNanos * (double) limit / MINUTE);
            }
            capacity = limit;
        }

        void take(long amount) {
            if (capacity > 0) {
                level = Math.max(0, level - amount);
            }
        }

        void give(long amount) {
            if (capacity > 0) {
                level = Math.min(capacity, level + amount);
            }
        }

        boolean holds(double amount) {
            return capacity == 0 || level >= amount - EPSILON;
        }

        /** Nanoseconds until the bucket holds {@code amount} (rounding noise of the levels aside). */
        long until(double amount) {
            return holds(amount) ? 0 : (long) Math.ceil((amount - level) * MINUTE / capacity - 1e-3);
        }

        long untilFull() {
            return until(capacity);
        }

        long remaining() {
            return capacity == 0 ? Long.MAX_VALUE : (long) Math.floor(level + EPSILON);
        }
    }
}
