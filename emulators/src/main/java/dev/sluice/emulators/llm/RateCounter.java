package dev.sluice.emulators.llm;

/**
 * One model's requests and tokens, counted against its per-minute limits the way one {@link RateCounting} says.
 * Implementations are thread-safe.
 */
interface RateCounter {
    long SECOND_NANOS = 1_000_000_000L;

    /**
     * What the counter says about one more request.
     *
     * @param retryAfterSeconds when refused, whole seconds (at least 1) until the request would be admitted
     * @param remainingRequests requests left, {@link Long#MAX_VALUE} without a request limit
     * @param remainingTokens tokens left, {@link Long#MAX_VALUE} without a token limit
     * @param resetNanos when refused, the precise wait until the request would be admitted; when admitted, when the
     *     counted limits are back to their initial state
     * @param byTokens when refused, whether the token limit refused it (requests were left)
     */
    record Decision(
            boolean admitted,
            long retryAfterSeconds,
            long remainingRequests,
            long remainingTokens,
            long resetNanos,
            boolean byTokens) {
        Decision(
                boolean admitted,
                long retryAfterSeconds,
                long remainingRequests,
                long remainingTokens,
                long resetNanos) {
            this(admitted, retryAfterSeconds, remainingRequests, remainingTokens, resetNanos, false);
        }
    }

    RateCounting counting();

    /**
     * Admits (and counts) or refuses a request of {@code requestTokens} at {@code nowNanos} (a {@link System#nanoTime()}
     * reading); {@code rpm} and {@code tpm} are per-minute limits, 0 for none.
     */
    Decision tryAdmit(long nowNanos, long rpm, long tpm, long requestTokens);

    /**
     * Takes back the latest admission of a request of {@code requestTokens}: another counter of the same model refused
     * what this one admitted.
     */
    void undo(long requestTokens);

    /** Whole seconds, rounded up, at least 1: what a {@code retry-after} header says of a wait. */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, Math.ceilDiv(waitNanos, SECOND_NANOS));
    }

    static long remaining(long limit, long used) {
        return limit == 0 ? Long.MAX_VALUE : Math.max(0, limit - used);
    }
}
