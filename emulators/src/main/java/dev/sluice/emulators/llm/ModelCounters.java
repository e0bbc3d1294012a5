package dev.sluice.emulators.llm;

/**
 * One model's limit counters: requests with the combined tokens, and Anthropic's separate input and output tokens,
 * each counted as the model's {@link RateCounting} says. A request is admitted by all of them or counted by none.
 */
final class ModelCounters {
    /** What a counter without a limit says. */
    static final RateCounter.Decision UNLIMITED = new RateCounter.Decision(true, 0, Long.MAX_VALUE, Long.MAX_VALUE, 0);

    /** The three counters' say on one request; it is admitted when all three admit it. */
    record Counted(RateCounter.Decision all, RateCounter.Decision input, RateCounter.Decision output) {
        /** All three say the same: a scripted throttle's spent limits. */
        static Counted of(RateCounter.Decision decision) {
            return new Counted(decision, decision, decision);
        }

        boolean admitted() {
            return all.admitted() && input.admitted() && output.admitted();
        }

        /** The refusal with the longest wait. */
        RateCounter.Decision refusal() {
            RateCounter.Decision longest = null;
            for (RateCounter.Decision d : new RateCounter.Decision[] {all, input, output}) {
                if (!d.admitted() && (longest == null || d.resetNanos() > longest.resetNanos())) {
                    longest = d;
                }
            }
            if (longest == null) {
                throw new IllegalStateException("an admitted request has no refusal");
            }
            return longest;
        }
    }

    private final RateCounting counting;
    private final RateCounter all;
    private final RateCounter input;
    private final RateCounter output;

    ModelCounters(RateCounting counting) {
        this.counting = counting;
        this.all = counting.newCounter();
        this.input = counting.newCounter();
        this.output = counting.newCounter();
    }

    RateCounting counting() {
        return counting;
    }

    synchronized Counted tryAdmit(long nowNanos, ModelBehaviour b, long inputTokens, long outputTokens) {
        long tokens = inputTokens + outputTokens;
        RateCounter.Decision a = all.tryAdmit(nowNanos, b.rpm(), b.tpm(), tokens);
        RateCounter.Decision i = b.inputTpm() > 0 ? input.tryAdmit(nowNanos, 0, b.inputTpm(), inputTokens) : UNLIMITED;
        RateCounter.Decision o =
                b.outputTpm() > 0 ? output.tryAdmit(nowNanos, 0, b.outputTpm(), outputTokens) : UNLIMITED;
        Counted counted = new Counted(a, i, o);
        if (counted.admitted()) {
            return counted;
        }
        return new Counted(
                takeBack(all, a, tokens, b.rpm() > 0),
                b.inputTpm() > 0 ? takeBack(input, i, inputTokens, false) : i,
                b.outputTpm() > 0 ? takeBack(output, o, outputTokens, false) : o);
    }

    /** An admission another counter overruled, undone; it states what was left before it. */
    private static RateCounter.Decision takeBack(
            RateCounter counter, RateCounter.Decision d, long tokens, boolean countsRequests) {
        if (!d.admitted()) {
            return d;
        }
        counter.undo(tokens);
        long requests = d.remainingRequests() == Long.MAX_VALUE || !countsRequests
                ? d.remainingRequests()
                : d.remainingRequests() + 1;
        long left = d.remainingTokens() == Long.MAX_VALUE ? Long.MAX_VALUE : d.remainingTokens() + tokens;
        return new RateCounter.Decision(true, 0, requests, left, d.resetNanos());
    }
}
