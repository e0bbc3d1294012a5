package dev.sluice.infra;

import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.RateLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processor's SQS MaximumConcurrency from Little's law: the calls in flight at the providers' limits are
 * {@code L = rate x latency}; each invocation runs a batch of {@code batchSize} calls at once, so
 * {@code L / batchSize} invocations keep the limits busy. More concurrency would only collect throttles and
 * deferrals; less leaves paid-for capacity idle.
 */
final class Concurrency {
    /** SQS event source mappings accept MaximumConcurrency 2-1000. */
    static final int MIN = 2;

    static final int MAX = 1000;

    /** When no model declares a limit there is nothing to derive from: a modest ceiling protects the account. */
    static final int UNLIMITED_DEFAULT = 50;

    private Concurrency() {}

    /**
     * @param models the models pipelines call directly
     * @param latencySeconds expected duration of one model call, end to end
     * @param tokensPerCall expected input plus output tokens of one call, to turn token limits into a call rate
     */
    static int processor(List<ModelSpec> models, double latencySeconds, int tokensPerCall, int batchSize) {
        double callsPerSecond = callsPerSecond(models, tokensPerCall);
        if (callsPerSecond <= 0) {
            return UNLIMITED_DEFAULT;
        }
        double inFlight = callsPerSecond * latencySeconds;
        int invocations = (int) Math.ceil(inFlight / batchSize);
        return Math.max(MIN, Math.min(MAX, invocations));
    }

    /** The sum over distinct provider buckets of the tighter of the request and token limits, per second. */
    static double callsPerSecond(List<ModelSpec> models, int tokensPerCall) {
        return buckets(models, tokensPerCall).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /**
     * Calls per second by limiter key ({@link ModelSpec#limiterKey()}, the bucket the functions' limiter counts a
     * model in), for the models that declare a limit; aliases of one model share a bucket, at its tightest limit.
     */
    static Map<String, Double> buckets(List<ModelSpec> models, int tokensPerCall) {
        Map<String, Double> perBucket = new LinkedHashMap<>();
        for (ModelSpec m : models) {
            RateLimits limits = m.limits();
            double rpm = Double.POSITIVE_INFINITY;
            if (limits.rpm() > 0) {
                rpm = limits.rpm();
            }
            long tokenLimit = limits.tpm() > 0 ? limits.tpm() : limits.inputTpm();
            if (tokenLimit > 0) {
                rpm = Math.min(rpm, (double) tokenLimit / tokensPerCall);
            }
            if (!Double.isInfinite(rpm)) {
                perBucket.merge(m.limiterKey(), rpm / 60.0, Math::min);
            }
        }
        return perBucket;
    }
}
