package dev.sluice.domain.fake;

import dev.sluice.domain.config.Comeback;
import dev.sluice.domain.config.Pace;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One clock per key under a lock, paced by {@link Pace}: the reference behaviour for the shared limiter. */
public final class InMemoryRateLimiter implements RateLimiter {
    private static final long NEVER = Long.MIN_VALUE;

    private final Clock clock;
    private final Duration maxWait;
    private final Map<String, KeyState> keys = new HashMap<>();
    private int acquisitions;
    private final List<Ask> asks = new ArrayList<>();
    private final Map<String, Comeback> lanes = new HashMap<>();

    private static final class KeyState {
        long clock = NEVER;
        Pace.Correction correction = Pace.Correction.NONE;
        final Map<String, double[]> tenants = new HashMap<>(); // tenant -> {clock, weight}
    }

    private sealed interface Booking {
        record Booked(Charge charge, long slot) implements Booking {}

        record Refused(Admission.Denied denial) implements Booking {}
    }

    public InMemoryRateLimiter(Clock clock) {
        this(clock, Duration.ofSeconds(2));
    }

    public InMemoryRateLimiter(Clock clock, Duration maxWait) {
        this.clock = clock;
        this.maxWait = maxWait;
    }

    @Override
    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public synchronized Admission tryAcquire(Ask ask) {
        acquisitions++;
        asks.add(ask);
        Comeback lane = lanes.computeIfAbsent(
                ask.key() + "|" + ask.tenant().value() + "|" + ask.priority(), k -> new Comeback());
        lane.asked(clock.millis());
        Admission admission = admit(ask);
        return switch (admission) {
            case Admission.Granted g -> {
                lane.granted();
                yield g;
            }
            case Admission.Denied d ->
                othersNear(ask) ? new Admission.Denied(lane.retryAfter(d.retryAfter(), clock.millis()), d.reason()) : d;
        };
    }

    private boolean othersNear(Ask ask) {
        KeyState state = keys.get(ask.key());
        long now = micros(clock.instant());
        return state != null
                && state.tenants.entrySet().stream()
                        .anyMatch(t -> !t.getKey().equals(ask.tenant().value())
                                && t.getValue()[0] > now - Pace.OTHERS_NEAR_MICROS);
    }

    private Admission admit(Ask ask) {
        long now = micros(clock.instant());
        List<Charge> charges = new ArrayList<>();
        long start = now;
        if (ask.policy().quota().isLimited()) {
            String quotaKey = ask.key() + "|quota|" + ask.tenant().value();
            switch (book(quotaKey, ask.policy().quota(), ask, now, false)) {
                case Booking.Refused r -> {
                    return new Admission.Denied(
                            r.denial().retryAfter(),
                            "tenant " + ask.tenant().value() + "'s quota: "
                                    + r.denial().reason());
                }
                case Booking.Booked b -> {
                    charges.add(b.charge());
                    start = Math.max(start, b.slot());
                }
            }
        }
        if (ask.limits().isLimited()) {
            switch (book(ask.key(), ask.limits(), ask, now, true)) {
                case Booking.Refused r -> {
                    charges.forEach(c -> refund(c, c.micros()));
                    return r.denial();
                }
                case Booking.Booked b -> {
                    charges.add(b.charge());
                    start = Math.max(start, b.slot());
                }
            }
        }
        return new Admission.Granted(new Permit(ask.key(), instant(start), ask.estimate(), charges));
    }

    private Booking book(String key, RateLimits configured, Ask ask, long now, boolean fair) {
        KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
        RateLimits limits = state.correction.effective(configured, now / 1000);
        if (Pace.neverFits(limits, ask.estimate())) {
            return new Booking.Refused(new Admission.Denied(
                    Duration.ofMinutes(1),
                    "estimate of " + ask.estimate().total() + " tokens exceeds the "
                            + Pace.bindingLimit(limits, ask.estimate()) + " and can never be granted"));
        }
        long cost = Pace.costMicros(limits, ask.estimate());
        long slot = Math.max(state.clock, now - Pace.burstMicros(limits));
        long wait = slot - (now + maxWait.toNanos() / 1000);
        String reason = Pace.bindingLimit(limits, ask.estimate()) + " reached";
        String tenant = fair ? ask.tenant().value() : "";
        double competing = 0;
        double[] own = state.tenants.get(tenant);
        if (fair) {
            for (Map.Entry<String, double[]> t : state.tenants.entrySet()) {
                if (!t.getKey().equals(tenant) && t.getValue()[0] > now) {
                    competing += t.getValue()[1];
                }
            }
            if (own != null && own[0] > now) {
                // Using its share or more: the tenant may book only within its reach.
                long reach = now + Pace.reachMicros(maxWait, ask.priority());
                long over = Math.max(slot, (long) own[0]) - reach;
                if (over > Math.max(0, wait)) {
                    wait = over;
                    reason = "tenant " + tenant + "'s share of the " + Pace.bindingLimit(limits, ask.estimate())
                            + " is in use (" + ask.priority().wireName() + " work)";
                }
            }
        }
        if (wait > 0) {
            return new Booking.Refused(new Admission.Denied(positive(wait), reason));
        }
        state.clock = slot + cost;
        if (fair) {
            double weight = ask.policy().weight();
            // With other tenants about, never behind the position booked (Pace.OTHERS_NEAR_MICROS).
            boolean othersNear = state.tenants.entrySet().stream()
                    .anyMatch(t -> !t.getKey().equals(tenant) && t.getValue()[0] > now - Pace.OTHERS_NEAR_MICROS);
            double base = Math.max(
                    own == null ? Double.NEGATIVE_INFINITY : own[0],
                    othersNear ? slot : now - Pace.burstMicros(limits));
            state.tenants.put(tenant, new double[] {base + Pace.tenantMicros(cost, weight, competing), weight});
        }
        return new Booking.Booked(new Charge(key, tenant, limits, cost), slot);
    }

    @Override
    public synchronized void settle(Permit permit, TokenUsage actual) {
        for (Charge charge : permit.charges()) {
            refund(charge, charge.micros() - Pace.costMicros(charge.limits(), actual));
        }
    }

    private void refund(Charge charge, long micros) {
        KeyState state = keys.get(charge.key());
        if (state != null && state.clock != NEVER) {
            state.clock -= micros;
            double[] tenant = state.tenants.get(charge.tenant());
            if (tenant != null) {
                tenant[0] -= micros;
            }
        }
    }

    @Override
    public synchronized void observe(String key, RateLimits configured, Signal signal) {
        KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
        long nowMillis = clock.millis();
        switch (signal) {
            case Signal.Refused r -> {
                state.correction = state.correction.refused(nowMillis, r.retryAfter());
                state.clock = Math.max(state.clock, micros(clock.instant()) + Pace.holdMicros(r.retryAfter()));
            }
            case Signal.Reported r -> state.correction = state.correction.withReported(r.limits());
        }
    }

    /** Every ask so far, in order: who asked, with which policy and priority. */
    public synchronized List<Ask> asks() {
        return List.copyOf(asks);
    }

    public synchronized int acquisitions() {
        return acquisitions;
    }

    private static Duration positive(long micros) {
        return Duration.ofNanos(Math.max(1000, micros * 1000));
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
