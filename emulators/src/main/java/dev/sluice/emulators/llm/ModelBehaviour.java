package dev.sluice.emulators.llm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one simulated model behaves: its latency, its answers, its own per-minute limits (answered with 429s in the
 * provider's format) and the faults it injects at the given rates (0..1).
 *
 * @param rpm requests per minute, 0 for no limit
 * @param tpm tokens (input + output) per minute, 0 for no limit
 * @param errorRate share of calls answered with a 5xx
 * @param hangRate share of calls that hang for {@code hangFor} before a 504, as a provider that stopped answering
 * @param malformedRate share of calls answered 200 with a truncated, unparseable body
 * @param cachedInputTokens input tokens reported as served from the provider's prompt cache (capped at the input)
 * @param counting how {@code rpm} and {@code tpm} are counted, as the provider does
 * @param inputTpm input tokens per minute, counted apart from the output as Anthropic does, 0 for no limit
 * @param outputTpm output tokens per minute, counted apart from the input as Anthropic does, 0 for no limit
 */
public record ModelBehaviour(
        Latency latency,
        ResponseMode mode,
        List<String> script,
        long rpm,
        long tpm,
        double errorRate,
        double hangRate,
        double malformedRate,
        Duration hangFor,
        long cachedInputTokens,
        RateCounting counting,
        long inputTpm,
        long outputTpm) {

    public static final ModelBehaviour DEFAULT = new ModelBehaviour(
            Latency.NONE,
            ResponseMode.EXTRACTIVE,
            List.of(),
            0,
            0,
            0,
            0,
            0,
            Duration.ofMinutes(5),
            0,
            RateCounting.SLIDING_MINUTE,
            0,
            0);

    public ModelBehaviour {
        Objects.requireNonNull(latency, "'latency' must not be null");
        Objects.requireNonNull(mode, "'mode' must not be null");
        Objects.requireNonNull(hangFor, "'hangFor' must not be null");
        Objects.requireNonNull(counting, "'counting' must not be null");
        script = List.copyOf(script);
        if (rpm < 0 || tpm < 0 || cachedInputTokens < 0 || inputTpm < 0 || outputTpm < 0) {
            throw new IllegalArgumentException(
                    "'rpm', 'tpm', 'inputTpm', 'outputTpm' and 'cachedInputTokens' must not be negative");
        }
        requireRate(errorRate, "errorRate");
        requireRate(hangRate, "hangRate");
        requireRate(malformedRate, "malformedRate");
    }

    /** A behaviour without separate input and output token limits. */
    public ModelBehaviour(
            Latency latency,
            ResponseMode mode,
            List<String> script,
            long rpm,
            long tpm,
            double errorRate,
            double hangRate,
            double malformedRate,
            Duration hangFor,
            long cachedInputTokens,
            RateCounting counting) {
        this(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                0,
                0);
    }

    /** A behaviour whose limits are counted over a sliding minute ({@link RateCounting#SLIDING_MINUTE}). */
    public ModelBehaviour(
            Latency latency,
            ResponseMode mode,
            List<String> script,
            long rpm,
            long tpm,
            double errorRate,
            double hangRate,
            double malformedRate,
            Duration hangFor,
            long cachedInputTokens) {
        this(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                RateCounting.SLIDING_MINUTE);
    }

    private static void requireRate(double rate, String name) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("'" + name + "' must be between 0 and 1");
        }
    }

    public ModelBehaviour withLatency(Latency value) {
        return new ModelBehaviour(
                value,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withMode(ResponseMode value) {
        return new ModelBehaviour(
                latency,
                value,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withScript(String... answers) {
        return new ModelBehaviour(
                latency,
                ResponseMode.SCRIPTED,
                List.of(answers),
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withLimits(long requestsPerMinute, long tokensPerMinute) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                requestsPerMinute,
                tokensPerMinute,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withErrorRate(double value) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                value,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withHangRate(double value, Duration duration) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                value,
                malformedRate,
                duration,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withMalformedRate(double value) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                value,
                hangFor,
                cachedInputTokens,
                counting,
                inputTpm,
                outputTpm);
    }

    public ModelBehaviour withCachedInputTokens(long value) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                value,
                counting,
                inputTpm,
                outputTpm);
    }

    /** The same behaviour with its limits counted as {@code value} says. */
    public ModelBehaviour withCounting(RateCounting value) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                value,
                inputTpm,
                outputTpm);
    }

    /**
     * The same behaviour with Anthropic's separate input and output tokens per minute limits (0: none), counted as
     * {@link #counting()} says, besides {@link #rpm()} and the combined {@link #tpm()}.
     */
    public ModelBehaviour withAnthropicTokenLimits(long inputTokensPerMinute, long outputTokensPerMinute) {
        return new ModelBehaviour(
                latency,
                mode,
                script,
                rpm,
                tpm,
                errorRate,
                hangRate,
                malformedRate,
                hangFor,
                cachedInputTokens,
                counting,
                inputTokensPerMinute,
                outputTokensPerMinute);
    }
}
