package dev.sluice.domain.config;

import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import java.time.Duration;
import java.util.Objects;

/**
 * The arithmetic of admission, shared by every {@code RateLimiter}, so that all of them pace alike.
 *
 * <p>Each limiter key has one clock (a GCRA "theoretical arrival time"): admitting a call moves it forward by the
 * call's cost, the time the call occupies at the binding limit ({@code max(1/rpm, tokens/tpm, input/inputTpm,
 * output/outputTpm)} minutes), and a call may start when the clock reaches it. The clock may lag "now" by at most
 * the burst, so an idle key hands out at most a burst at once, and may run ahead by at most the longest wait a
 * grant may ask for. Over any interval, admitted calls therefore never exceed the limit for its length plus the
 * burst, in every dimension at once.
 */
public final class Pace {
    /** Limits a provider reports are paced at this share of them: room for the burst and for clock skew. */
    public static final double REPORTED_SHARE = 0.95;

    /**
     * Refusals within a minute of the last cut do not cut again: providers count per minute, so refusals go on for
     * up to a minute after the pace is right, answering the calls admitted before the cut.
     */
    public static final Duration CUT_COOLDOWN = Duration.ofMinutes(1);

    /** A refusal whose retry-after is at most this is a momentary overrun, not proof of a lower limit. */
    public static final Duration SHORT_REFUSAL = Duration.ofSeconds(2);

    /** Short refusals closer together than this are one burst. */
    public static final Duration STRIKE_GAP = Duration.ofSeconds(5);

    /** A second short refusal within this of the first cuts the pace. */
    public static final Duration STRIKE_WINDOW = Duration.ofMinutes(1);

    /**
     * The share of the wait horizon a tenant using its share may start bookings in (its interactive work; batch
     * work a fifth of that). Slices booked end where the next kind of work may still start
     * ({@link #longestSliceMicros}), so that batch work leaves room for interactive work and both leave room for a
     * tenant arriving.
     */
    public static final double TENANT_REACH = 0.5;

    /**
     * Another tenant whose share clock is this recent (a minute) is about: a tenant's own share clock then never
     * stays behind the position it books, so one that fills a key counts as using its share and leaves the others
     * the room they are promised.
     */
    public static final long OTHERS_NEAR_MICROS = 60_000_000L;

    /** Batch work's reach as a share of interactive work's. */
    private static final double BATCH_REACH = 0.2;

    private static final double MIN_SCALE = 0.02;

    private Pace() {}

    /** The time, in microseconds of the key's clock, that {@code usage} occupies at {@code limits}. */
    public static long costMicros(RateLimits limits, TokenUsage usage) {
        double minutes = 0;
        if (limits.rpm() > 0) {
            minutes = Math.max(minutes, 1.0 / limits.rpm());
        }
        if (limits.tpm() > 0) {
            minutes = Math.max(minutes, (double) usage.total() / limits.tpm());
        }
        if (limits.inputTpm() > 0) {
            minutes = Math.max(minutes, (double) usage.input() / limits.inputTpm());
        }
        if (limits.outputTpm() > 0) {
            minutes = Math.max(minutes, (double) usage.output() / limits.outputTpm());
        }
        return (long) Math.ceil(minutes * 60_000_000.0);
    }

    /** The limit that sets {@code usage}'s cost, as a person reads it: "requests per minute limit 300". */
    public static String bindingLimit(RateLimits limits, TokenUsage usage) {
        String name = "requests per minute limit " + limits.rpm();
        double minutes = limits.rpm() > 0 ? 1.0 / limits.rpm() : 0;
        if (limits.tpm() > 0 && (double) usage.total() / limits.tpm() > minutes) {
            minutes = (double) usage.total() / limits.tpm();
            name = "tokens per minute limit " + limits.tpm();
        }
        if (limits.inputTpm() > 0 && (double) usage.input() / limits.inputTpm() > minutes) {
            minutes = (double) usage.input() / limits.inputTpm();
            name = "input tokens per minute limit " + limits.inputTpm();
        }
        if (limits.outputTpm() > 0 && (double) usage.output() / limits.outputTpm() > minutes) {
            name = "output tokens per minute limit " + limits.outputTpm();
        }
        return name;
    }

    /** An estimate above a whole minute's limit: no provider would take it, so waiting cannot help. */
    public static boolean neverFits(RateLimits limits, TokenUsage usage) {
        return (limits.tpm() > 0 && usage.total() > limits.tpm())
                || (limits.inputTpm() > 0 && usage.input() > limits.inputTpm())
                || (limits.outputTpm() > 0 && usage.output() > limits.outputTpm());
    }

    /** The longest a provider's retry-after holds every client of a key back (longer ones defer the work only). */
    public static final Duration MAX_HOLD = Duration.ofMinutes(1);

    /** How far a refusal moves the key's clock ahead of now: the provider's retry-after, at most a minute. */
    public static long holdMicros(Duration retryAfter) {
        Duration hold = retryAfter.compareTo(MAX_HOLD) > 0 ? MAX_HOLD : retryAfter;
        return hold.isNegative() ? 0 : hold.toNanos() / 1000;
    }

    public static long burstMicros(RateLimits limits) {
        return limits.burst().toNanos() / 1000;
    }

    /**
     * How far ahead of now a tenant using its share (its own clock ahead of now) may start a booking:
     * {@link #TENANT_REACH} of the wait horizon, so that a tenant under its share, which may start one anywhere in
     * the horizon, always finds room; a fifth of that for batch work, so that the tenant's interactive work finds
     * room before its batch.
     */
    public static long reachMicros(Duration maxWait, Priority priority) {
        double reach = maxWait.toNanos() / 1000.0 * TENANT_REACH;
        return (long) (priority == Priority.BATCH ? reach * BATCH_REACH : reach);
    }

    /**
     * The longest slice of the key's clock one booking of {@code priority} may take so that it ends where the next
     * kind of work may still start: batch slices end by the interactive reach, interactive ones by the horizon.
     */
    public static long longestSliceMicros(Duration maxWait, Priority priority) {
        long horizon = maxWait.toNanos() / 1000;
        long next = priority == Priority.BATCH ? reachMicros(maxWait, Priority.INTERACTIVE) : horizon;
        return next - reachMicros(maxWait, priority);
    }

    /**
     * How far a call moves its tenant's own clock: its cost at the tenant's share of the key, its weight against
     * those of the tenants whose clocks are ahead of now (using their shares). A tenant alone moves at the key's
     * pace; tenants that all keep asking are held to their weighted shares, which add up to the key's pace; what a
     * tenant leaves unused goes to the others.
     */
    public static long tenantMicros(long costMicros, double weight, double competingWeight) {
        return (long) Math.ceil(costMicros * (weight + Math.max(0, competingWeight)) / weight);
    }

    /**
     * What the provider has taught the clients of one key: the limits it reports, and how far refusals have cut
     * the pace ({@code scale} of the limits, cut at {@code cutAtMillis} from {@code ceiling}, the level refused).
     *
     * <p>A refusal that says the limit is spent for a while (retry-after over {@link #SHORT_REFUSAL}) halves the pace
     * in force. A short one (a per-second quantum overrun by jitter, as OpenAI enforces per-minute limits per
     * second) only holds every client for its retry-after, and is remembered as a <em>strike</em>: a second short
     * refusal at least {@link #STRIKE_GAP} later (not an echo of the same burst) and within {@link #STRIKE_WINDOW}
     * halves the pace, so an isolated overrun costs a second, not a fifth of the throughput for minutes, while a
     * limit that is really lower still draws a cut within seconds. The pace then climbs back to halfway between the cut and the refused level
     * within a minute, then by 2% of the limits per minute, no higher than 95% of the refused level for ten
     * minutes; after ten minutes without a refusal it may climb back to the configured limits. A limit configured
     * twice too high is thereby found in a few cuts and then held just under the real one.
     */
    public record Correction(
            double scale, double ceiling, long cutAtMillis, long strikeAtMillis, ProviderLimits reported) {
        public static final Correction NONE = new Correction(1, 1, 0, 0, ProviderLimits.NONE);

        public Correction {
            Objects.requireNonNull(reported, "'reported' must not be null");
        }

        public double scaleAt(long nowMillis) {
            if (scale >= 1) {
                return 1;
            }
            double minutes = Math.max(0, nowMillis - cutAtMillis) / 60_000.0;
            double target = (scale + ceiling) / 2;
            double climbed = minutes < 1 ? scale + (target - scale) * minutes : target + 0.02 * (minutes - 1);
            double cap = minutes < 10 ? Math.max(target, 0.95 * ceiling) : 1;
            return Math.min(1, Math.min(climbed, cap));
        }

        /** What a refusal with {@code retryAfter} teaches: nothing (an echo), a strike, or a cut. */
        public Correction refused(long nowMillis, Duration retryAfter) {
            if (nowMillis - cutAtMillis < CUT_COOLDOWN.toMillis()) {
                return this;
            }
            if (retryAfter.compareTo(SHORT_REFUSAL) <= 0) {
                long sinceStrike = nowMillis - strikeAtMillis;
                if (strikeAtMillis > 0 && sinceStrike < STRIKE_GAP.toMillis()) {
                    return this; // the same burst
                }
                if (strikeAtMillis <= 0 || sinceStrike > STRIKE_WINDOW.toMillis()) {
                    return new Correction(scale, ceiling, cutAtMillis, nowMillis, reported);
                }
            }
            double level = scaleAt(nowMillis);
            // A long refusal halves the pace; recurring short ones (overruns of a per-second quantum) take a fifth off.
            double cut = retryAfter.compareTo(SHORT_REFUSAL) <= 0 ? level * 0.8 : level / 2;
            return new Correction(Math.max(MIN_SCALE, cut), level, nowMillis, 0, reported);
        }

        public boolean cutSince(Correction before) {
            return cutAtMillis != before.cutAtMillis;
        }

        public Correction withReported(ProviderLimits limits) {
            return new Correction(scale, ceiling, cutAtMillis, strikeAtMillis, limits);
        }

        /** The limits to pace by now: the configured ones, capped by what the provider reports, then scaled. */
        public RateLimits effective(RateLimits configured, long nowMillis) {
            RateLimits paced = configured;
            if (reported.isKnown()) {
                paced = configured.cappedBy(new RateLimits(
                        share(reported.rpm()),
                        share(reported.tpm()),
                        share(reported.inputTpm()),
                        share(reported.outputTpm()),
                        configured.burst()));
            }
            double s = scaleAt(nowMillis);
            return s >= 1 ? paced : paced.scaled(s);
        }

        private static long share(long limit) {
            return limit <= 0 ? 0 : Math.max(1, (long) Math.floor(limit * REPORTED_SHARE));
        }
    }
}
