package dev.sluice.emulators.llm;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One model's requests and tokens over the last minute, as a provider counts them for its RPM and TPM limits
 * ({@link RateCounting#SLIDING_MINUTE}).
 */
final class RateWindow implements RateCounter {
    static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    private final Deque<long[]> entries = new ArrayDeque<>();
    private long tokens;

    @Override
    public RateCounting counting() {
        return RateCounting.SLIDING_MINUTE;
    }

    @Override
    public synchronized Decision tryAdmit(long nowNanos, long rpm, long tpm, long requestTokens) {
        while (!entries.isEmpty() && nowNanos - entries.peekFirst()[0] >= WINDOW_NANOS) {
            tokens -= entries.pollFirst()[1];
        }
        boolean requestsLeft = rpm == 0 || entries.size() < rpm;
        boolean tokensLeft = tpm == 0 || tokens + requestTokens <= tpm || entries.isEmpty();
        if (requestsLeft && tokensLeft) {
            entries.addLast(new long[] {nowNanos, requestTokens});
            tokens += requestTokens;
            return new Decision(true, 0, remaining(rpm, entries.size()), remaining(tpm, tokens), resetNanos(nowNanos));
        }
        long wait = requestsLeft ? tokenWait(nowNanos, tpm, requestTokens) : resetNanos(nowNanos);
        return new Decision(
                false,
                RateCounter.retryAfterSeconds(wait),
                remaining(rpm, entries.size()),
                remaining(tpm, tokens),
                wait,
                requestsLeft);
    }

    @Override
    public synchronized void undo(long requestTokens) {
        for (var it = entries.descendingIterator(); it.hasNext(); ) {
            if (it.next()[1] == requestTokens) {
                it.remove();
                tokens -= requestTokens;
                return;
            }
        }
    }

    synchronized void clear() {
        entries.clear();
        tokens = 0;
    }

    private long resetNanos(long nowNanos) {
        return entries.isEmpty() ? 0 : Math.max(0, entries.peekFirst()[0] + WINDOW_NANOS - nowNanos);
    }

    /** How long until enough of the oldest entries leave the window for {@code requestTokens} to fit. */
    private long tokenWait(long nowNanos, long tpm, long requestTokens) {
        long freed = tokens;
        for (long[] e : entries) {
            freed -= e[1];
            if (freed + requestTokens <= tpm) {
                return Math.max(0, e[0] + WINDOW_NANOS - nowNanos);
            }
        }
        return resetNanos(nowNanos);
    }

    private static long remaining(long limit, long used) {
        return RateCounter.remaining(limit, used);
    }
}
