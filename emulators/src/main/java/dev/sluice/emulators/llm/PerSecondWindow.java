package dev.sluice.emulators.llm;

/**
 * One model's per-minute limits enforced as a sixtieth of them (rounded up) in every aligned one-second window of the
 * clock ({@link RateCounting#PER_SECOND}).
 */
final class PerSecondWindow implements RateCounter {
    private long second = Long.MIN_VALUE;
    private long lastNanos = Long.MIN_VALUE;
    private long requests;
    private long tokens;

    @Override
    public RateCounting counting() {
        return RateCounting.PER_SECOND;
    }

    @Override
    public synchronized Decision tryAdmit(long nowNanos, long rpm, long tpm, long requestTokens) {
        // Readings taken just before a later one was counted belong to the later one's second.
        long now = Math.max(nowNanos, lastNanos);
        lastNanos = now;
        long current = Math.floorDiv(now, SECOND_NANOS);
        if (current != second) {
            second = current;
            requests = 0;
            tokens = 0;
        }
        long requestShare = Math.ceilDiv(rpm, 60);
        long tokenShare = Math.ceilDiv(tpm, 60);
        long nextSecond = SECOND_NANOS - Math.floorMod(now, SECOND_NANOS);
        boolean requestsLeft = rpm == 0 || requests < requestShare;
        boolean tokensLeft = tpm == 0 || tokens + requestTokens <= tokenShare || requests == 0;
        if (requestsLeft && tokensLeft) {
            requests++;
            tokens += requestTokens;
            return new Decision(
                    true,
                    0,
                    RateCounter.remaining(requestShare, requests),
                    RateCounter.remaining(tokenShare, tokens),
                    nextSecond);
        }
        return new Decision(
                false,
                1,
                RateCounter.remaining(requestShare, requests),
                RateCounter.remaining(tokenShare, tokens),
                nextSecond,
                requestsLeft);
    }

    @Override
    public synchronized void undo(long requestTokens) {
        requests = Math.max(0, requests - 1);
        tokens = Math.max(0, tokens - requestTokens);
    }
}
