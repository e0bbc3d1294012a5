package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.config.Comeback;
import dev.sluice.domain.config.Pace;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.ProviderLimits;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link RateLimiter} shared by every consumer through one DynamoDB item per key, paced by {@link Pace}.
 *
 * <p>The item holds the key's clock, each tenant's share clock and what refusals and reported limits taught. A
 * client books with ONE conditional {@code UpdateItem} that moves the clock forward ({@code SET clock = clock +
 * :slice}, so concurrent bookings never overwrite each other) only if the clock is within the wait horizon and the
 * tenant within its reach, and learns the new state from the answer. What it books is a short slice of the key's
 * clock, in whole calls, sized to the asks it has seen in the last second and ending where the next kind of work
 * may still start ({@link Pace#longestSliceMicros}); it grants this and the following calls of the same tenant and
 * priority from the slice locally, each at its own position, so calls start exactly as paced whoever holds the
 * slice.
 *
 * <p>Denials cost no call: they rest on the state last seen, which errs only by time given back since (a denial
 * longer than the wait, which defers work, is checked against the item first). A booking that fails because
 * other clients booked first learns the item from the failure (AWS returns it; a stand-in that does not is read
 * only when the failure says nothing about the clock), tries once more if what it learned still leaves room, and
 * otherwise holds that tenant's and priority's bookings off for a jittered time that doubles with each failure in
 * a row (batch work by its slice, interactive work by one call), so clients colliding at the horizon's edge spread
 * out. Unused tokens given back by {@link #settle} ride on the next booking (or go alone after a second).
 */
public final class DynamoDbRateLimiter implements RateLimiter {
    private static final String PK = SluiceTables.PARTITION_KEY;
    private static final String TTL = SluiceTables.TTL_ATTRIBUTE;
    private static final String CLOCK = "clock";
    private static final String SCALE = "scale";
    private static final String CEILING = "ceiling";
    private static final String CUT_AT = "cutAt";
    private static final String STRIKE_AT = "strikeAt";
    private static final String[] REPORTED = {"reportedRpm", "reportedTpm", "reportedInputTpm", "reportedOutputTpm"};
    private static final String SHARE_CLOCK = "f_";
    private static final String SHARE_WEIGHT = "w_";
    private static final Duration KEEP = Duration.ofDays(1);
    private static final Duration STALE_TENANT = Duration.ofHours(1);
    private static final Duration FLUSH_AFTER = Duration.ofSeconds(1);
    /** How long a long denial may rest on the state last seen; older, the item is read before deferring work. */
    private static final Duration VIEW_TRUST = Duration.ofSeconds(1);

    private final DynamoDbClient client;
    private final String table;
    private final Duration maxWait;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private final Map<String, Comeback> lanes = new ConcurrentHashMap<>();

    /**
     * @param table the limits table ({@code SluiceTables.limits()})
     * @param maxWait the longest a grant asks its holder to wait; bookings reach no further ahead
     */
    public record Settings(String table, Duration maxWait) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
            Objects.requireNonNull(maxWait, "'maxWait' must not be null");
            if (maxWait.toMillis() < 100 || maxWait.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("'maxWait' must be between 100 ms and 30 s, was " + maxWait);
            }
        }

        public static Settings of(String table) {
            return new Settings(table, Duration.ofSeconds(2));
        }
    }

    /** The item as this client last saw it. */
    private record View(long clock, Pace.Correction correction, Map<String, double[]> tenants, long seenAt) {
        static final View NONE = new View(Long.MIN_VALUE, Pace.Correction.NONE, Map.of(), Long.MIN_VALUE);

        /** This view with the clock known to be past {@code clock}, as a failed booking tells. */
        View atLeast(long clock, long now) {
            return new View(Math.max(this.clock, clock), correction, tenants, seenAt);
        }

        static View of(Map<String, AttributeValue> item, long seenAt) {
            Map<String, double[]> tenants = new HashMap<>();
            item.forEach((name, value) -> {
                if (name.startsWith(SHARE_CLOCK) && value.n() != null) {
                    String h = name.substring(SHARE_CLOCK.length());
                    AttributeValue w = item.get(SHARE_WEIGHT + h);
                    tenants.put(h, new double[] {
                        Double.parseDouble(value.n()), w == null || w.n() == null ? 1 : Double.parseDouble(w.n())
                    });
                }
            });
            ProviderLimits reported = new ProviderLimits(
                    number(item, REPORTED[0], 0),
                    number(item, REPORTED[1], 0),
                    number(item, REPORTED[2], 0),
                    number(item, REPORTED[3], 0));
            Pace.Correction correction = new Pace.Correction(
                    decimal(item, SCALE, 1),
                    decimal(item, CEILING, 1),
                    number(item, CUT_AT, 0),
                    number(item, STRIKE_AT, 0),
                    reported);
            return new View(number(item, CLOCK, Long.MIN_VALUE), correction, tenants, seenAt);
        }
    }

    /** A slice of the key's clock this client booked: positions {@code [cursor, end)} are its to grant. */
    private static final class Lease {
        long cursor;
        long end;
    }

    /** Everything this client keeps about one item. */
    private static final class KeyState {
        View view = View.NONE;
        final Map<String, Lease> leases = new HashMap<>();
        final Map<String, ArrayDeque<Long>> asks = new HashMap<>();
        long pendingRefund;
        final Map<String, Long> pendingTenantRefunds = new HashMap<>();
        long pendingSince = Long.MAX_VALUE;
        long lastWrite = Long.MIN_VALUE;
        /** Per tenant and priority: bookings that failed in a row (each doubles the hold-off) and its end. */
        final Map<String, long[]> holdOffs = new HashMap<>();
    }

    private sealed interface Booking {
        record Booked(Charge charge, long slot) implements Booking {}

        record Refused(Admission.Denied denial) implements Booking {}
    }

    /** Draws its jitter from the calling thread's {@link ThreadLocalRandom}; not for a SnapStart snapshot. */
    public DynamoDbRateLimiter(DynamoDbClient client, Settings settings, Clock clock) {
        this(client, settings, clock, () -> ThreadLocalRandom.current().nextLong());
    }

    /**
     * @param random the lanes' spread ({@link Comeback}) and the back-off jitter; thread-safe, and restore-safe
     *     where the limiter is built before a snapshot
     */
    public DynamoDbRateLimiter(DynamoDbClient client, Settings settings, Clock clock, RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "'random' must not be null");
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.table = settings.table();
        this.maxWait = settings.maxWait();
        this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
    }

    @Override
    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Admits as {@link #admit} does; where other tenants share the key, a denied lane (tenant and priority at a key)
     * is given the next return slot in its line ({@link Comeback}), so its backlog waits out of sight and comes back
     * as a steady stream.
     */
    @Override
    public Admission tryAcquire(Ask ask) {
        Comeback lane = lanes.computeIfAbsent(
                ask.key() + "|" + ask.tenant().value() + "|" + ask.priority(), k -> new Comeback(random));
        synchronized (lane) {
            lane.asked(clock.millis());
        }
        Admission admission = admit(ask);
        boolean crowded = othersNear(ask);
        synchronized (lane) {
            return switch (admission) {
                case Admission.Granted g -> {
                    lane.granted();
                    yield g;
                }
                // Only where other tenants share the key: alone, a backlog keeps nobody waiting.
                case Admission.Denied d ->
                    crowded ? new Admission.Denied(lane.retryAfter(d.retryAfter(), clock.millis()), d.reason()) : d;
            };
        }
    }

    /** Whether tenants other than the asker's used this key in the last minute, as this client last saw it. */
    private boolean othersNear(Ask ask) {
        KeyState state = keys.get(ask.key());
        if (state == null) {
            return false;
        }
        String own = tenantHash(ask);
        long now = micros(clock.instant());
        synchronized (state) {
            return state.view.tenants().entrySet().stream()
                    .anyMatch(t -> !t.getKey().equals(own) && t.getValue()[0] > now - Pace.OTHERS_NEAR_MICROS);
        }
    }

    private Admission admit(Ask ask) {
        List<Charge> charges = new ArrayList<>();
        long start = micros(clock.instant());
        if (ask.policy().quota().isLimited()) {
            String quotaKey = ask.key() + "|quota|" + ask.tenant().value();
            switch (book(quotaKey, ask.policy().quota(), ask, false)) {
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
            switch (book(ask.key(), ask.limits(), ask, true)) {
                case Booking.Refused r -> {
                    charges.forEach(c -> settleCharge(c, c.micros()));
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

    private Booking book(String key, RateLimits configured, Ask ask, boolean fair) {
        KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
        synchronized (state) {
            long now = micros(clock.instant());
            RateLimits limits = state.view.correction().effective(configured, now / 1000);
            if (Pace.neverFits(limits, ask.estimate())) {
                return refused(
                        Duration.ofMinutes(1),
                        "estimate of " + ask.estimate().total() + " tokens exceeds the "
                                + Pace.bindingLimit(limits, ask.estimate()) + " and can never be granted");
            }
            long cost = Pace.costMicros(limits, ask.estimate());
            long burst = Pace.burstMicros(limits);
            String tenant = fair ? tenantHash(ask) : "";
            String leaseKey = tenant + "|" + ask.priority();
            int recentAsks = noteAsk(state, leaseKey, now);

            long horizon = now + maxWait.toNanos() / 1000;
            Lease lease = state.leases.get(leaseKey);
            if (lease != null) {
                lease.cursor = Math.max(lease.cursor, now - burst);
                if (lease.cursor + cost <= lease.end) {
                    if (lease.cursor > horizon) {
                        // Positions this client holds come first; booking more now would only queue further ahead.
                        return deny(
                                lease.cursor - horizon,
                                Pace.bindingLimit(limits, ask.estimate()) + " reached (this client holds the next"
                                        + " positions)");
                    }
                    long slot = lease.cursor;
                    lease.cursor += cost;
                    return new Booking.Booked(new Charge(key, tenant, limits, cost), slot);
                }
            }
            long[] holdOff = state.holdOffs.computeIfAbsent(leaseKey, k -> new long[] {0, Long.MIN_VALUE});
            String contended = "the " + Pace.bindingLimit(limits, ask.estimate()) + " is contended by other clients";
            if (now < holdOff[1]) {
                return deny(holdOff[1] - now, contended);
            }
            long longest = Pace.longestSliceMicros(maxWait, ask.priority());
            // Whole calls only: a remainder shorter than a call would be left unused when the next slice is booked.
            long span = cost * Math.max(1, Math.min(recentAsks, longest / Math.max(1, cost)));
            // The state last seen decides short denials: the clock only moves ahead but for given-back time, so a
            // view that says "full" errs by at most what was given back since, and costs no call. A denial longer
            // than the wait defers the work, so it is checked against the item first (once per VIEW_TRUST).
            Plan plan = plan(state.view, limits, ask, fair, tenant, now, span, state);
            if (plan.denial() != null
                    && plan.denial().retryAfter().compareTo(maxWait) > 0
                    && now - state.view.seenAt() > VIEW_TRUST.toNanos() / 1000) {
                state.view = read(key, now);
                plan = plan(state.view, limits, ask, fair, tenant, now, span, state);
            }
            for (int attempt = 0; ; attempt++) {
                if (plan.denial() != null) {
                    return new Booking.Refused(plan.denial());
                }
                Plan booking = plan;
                try {
                    Map<String, AttributeValue> after = call(
                                    "UpdateItem (book)", () -> client.updateItem(request(key, booking)))
                            .attributes();
                    state.view = View.of(after, now);
                    state.lastWrite = now;
                    holdOff[0] = 0;
                    clearPending(state);
                    // The slice booked ends at the new clock; given-back time moved its start earlier.
                    long slot = Math.max(state.view.clock() - booking.span(), now - burst);
                    Lease booked = new Lease();
                    booked.cursor = slot + cost;
                    booked.end = state.view.clock();
                    state.leases.put(leaseKey, booked);
                    return new Booking.Booked(new Charge(key, tenant, limits, cost), slot);
                } catch (ConditionalCheckFailedException e) {
                    // Another client booked first; AWS returns the item with the failed condition.
                    boolean learned = true;
                    if (e.hasItem() && !e.item().isEmpty()) {
                        state.view = View.of(e.item(), now);
                    } else if (booking.resets()
                            || booking.reached() == Long.MIN_VALUE
                            || holdOff[0] >= 2
                            || now - state.view.seenAt() > VIEW_TRUST.toNanos() / 1000) {
                        state.view = read(key, now); // a reset says nothing when it fails; nor a stale view: look
                    } else {
                        state.view = state.view.atLeast(booking.reached(), now); // it is past what was allowed
                        learned = false;
                    }
                    plan = plan(state.view, limits, ask, fair, tenant, now, span, state);
                    if (plan.denial() == null && attempt == 0 && learned) {
                        continue; // what was seen still leaves room (e.g. this work reaches further): try once more
                    }
                    // Clients colliding at the horizon's edge: hold off before the next try, twice as long after
                    // each failure in a row, with jitter, so they spread out instead of herding.
                    holdOff[0] = Math.min(holdOff[0] + 1, 8);
                    long due = plan.denial() == null
                            ? 0
                            : plan.denial().retryAfter().toNanos() / 1000;
                    // Batch work backs off by its slice; interactive work, which a person waits for, by one call.
                    long base = ask.priority() == Priority.BATCH ? span : cost;
                    long backoff = Math.min(maxWait.toNanos() / 2000, base * (1L << (holdOff[0] - 1)));
                    backoff = backoff / 2 + random.nextLong(backoff / 2 + 1);
                    // Only the back-off is held here; a longer wait the item shows stays in the view, where a
                    // settle seen later can shorten it.
                    holdOff[1] = now + backoff;
                    return due > backoff ? new Booking.Refused(plan.denial()) : deny(backoff, contended);
                }
            }
        }
    }

    private static Booking.Refused deny(long waitMicros, String reason) {
        return new Booking.Refused(positive(waitMicros, reason));
    }

    /** One booking to write, or the denial the state seen already explains. */
    private record Plan(
            Admission.Denied denial,
            long span,
            long reached,
            boolean resets,
            Map<String, String> names,
            Map<String, AttributeValue> values,
            List<String> sets,
            List<String> removes,
            List<String> conditions) {}

    private UpdateItemRequest request(String key, Plan plan) {
        String update = "SET " + String.join(", ", plan.sets())
                + (plan.removes().isEmpty() ? "" : " REMOVE " + String.join(", ", plan.removes()));
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(PK, AttributeValue.fromS(key)))
                .updateExpression(update)
                .conditionExpression(String.join(" AND ", plan.conditions()))
                .expressionAttributeNames(plan.names())
                .expressionAttributeValues(plan.values())
                .returnValues(ReturnValue.ALL_NEW)
                // AWS returns the item with a failed condition, sparing the read that explains it.
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private Plan plan(
            View view, RateLimits limits, Ask ask, boolean fair, String tenant, long now, long span, KeyState state) {
        long burst = Pace.burstMicros(limits);
        long lo = now - burst;
        long horizon = now + maxWait.toNanos() / 1000;
        boolean reset = view.clock() < lo;
        long refund = reset ? 0 : state.pendingRefund;
        long slot = Math.max(reset ? lo : view.clock() - refund, lo);
        long allowed = horizon;
        String reason = Pace.bindingLimit(limits, ask.estimate()) + " reached";
        double competing = 0;
        double[] own = fair ? view.tenants().get(tenant) : null;
        boolean ownReset = own == null || own[0] < lo;
        long tenantRefund = ownReset ? 0 : state.pendingTenantRefunds.getOrDefault(tenant, 0L);
        long ownClock = ownReset ? lo : (long) own[0] - tenantRefund;
        boolean overShare = fair && ownClock > now;
        if (fair) {
            for (Map.Entry<String, double[]> t : view.tenants().entrySet()) {
                if (!t.getKey().equals(tenant) && t.getValue()[0] > now) {
                    competing += t.getValue()[1];
                }
            }
        }
        long wait = slot - horizon;
        if (overShare) {
            long reach = now + Pace.reachMicros(maxWait, ask.priority());
            long over = Math.max(slot, ownClock) - reach;
            if (over > Math.max(0, wait)) {
                wait = over;
                reason = "tenant " + ask.tenant().value() + "'s share of the "
                        + Pace.bindingLimit(limits, ask.estimate()) + " is in use ("
                        + ask.priority().wireName()
                        + " work)";
            }
            allowed = reach;
        }
        if (wait > 0) {
            return new Plan(positive(wait, reason), 0, 0, false, null, null, null, null, null);
        }
        Map<String, String> names = new HashMap<>(Map.of("#clock", CLOCK, "#ttl", TTL));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":ttl", n(Instant.ofEpochMilli(now / 1000).plus(KEEP).getEpochSecond()));
        values.put(":lo", n(lo));
        List<String> sets = new ArrayList<>(List.of("#ttl = :ttl"));
        List<String> removes = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (reset) {
            values.put(":clock", n(lo + span));
            sets.add("#clock = :clock");
            conditions.add("(attribute_not_exists(#clock) OR #clock < :lo)");
        } else {
            values.put(":inc", n(span - refund));
            values.put(":allowed", n(allowed + refund));
            sets.add("#clock = #clock + :inc");
            conditions.add("#clock BETWEEN :lo AND :allowed");
        }
        if (fair) {
            double weight = ask.policy().weight();
            long share = Pace.tenantMicros(span, weight, competing);
            // With other tenants about (asked within the last minute), a tenant's share clock never stays behind the
            // position it books: one that fills the key is using its share, whatever the others took, and so leaves
            // them the room they are promised. Alone, it may use the whole horizon.
            boolean othersNear = view.tenants().entrySet().stream()
                    .anyMatch(t -> !t.getKey().equals(tenant) && t.getValue()[0] > now - Pace.OTHERS_NEAR_MICROS);
            names.put("#f", SHARE_CLOCK + tenant);
            names.put("#w", SHARE_WEIGHT + tenant);
            values.put(":w", AttributeValue.fromN(Double.toString(weight)));
            sets.add("#w = :w");
            if (ownReset) {
                // Never behind the position booked: a tenant that fills the key is using its share, whatever others
                // took.
                values.put(":f", n((othersNear ? Math.max(lo, slot) : lo) + share));
                sets.add("#f = :f");
                conditions.add("(attribute_not_exists(#f) OR #f < :lo)");
            } else {
                values.put(":finc", n(share - tenantRefund + (othersNear ? Math.max(0, slot - ownClock) : 0)));
                sets.add("#f = #f + :finc");
                long limit = overShare ? now + Pace.reachMicros(maxWait, ask.priority()) : now;
                values.put(":flimit", n(limit + tenantRefund));
                conditions.add("#f BETWEEN :lo AND :flimit");
            }
            int pruned = 0;
            for (Map.Entry<String, double[]> t : view.tenants().entrySet()) {
                if (pruned < 3 && !t.getKey().equals(tenant) && t.getValue()[0] < now - STALE_TENANT.toNanos() / 1000) {
                    names.put("#pf" + pruned, SHARE_CLOCK + t.getKey());
                    names.put("#pw" + pruned, SHARE_WEIGHT + t.getKey());
                    removes.add("#pf" + pruned);
                    removes.add("#pw" + pruned);
                    pruned++;
                }
            }
        }
        // Past this, the booking's condition fails: where a failed booking knows the clock to be at least.
        long reached = reset ? Long.MIN_VALUE : allowed + refund;
        // A failed reset condition says nothing about where the clock is.
        boolean resets = reset || (fair && ownReset);
        return new Plan(null, span, reached, resets, names, values, sets, removes, conditions);
    }

    @Override
    public void settle(Permit permit, TokenUsage actual) {
        for (Charge charge : permit.charges()) {
            settleCharge(charge, charge.micros() - Pace.costMicros(charge.limits(), actual));
        }
    }

    /** Gives back {@code micros} of a charge (takes them, if negative): on the next booking, or alone after a while. */
    private void settleCharge(Charge charge, long micros) {
        if (micros == 0) {
            return;
        }
        KeyState state = keys.get(charge.key());
        if (state == null) {
            return;
        }
        synchronized (state) {
            long now = micros(clock.instant());
            state.pendingRefund += micros;
            if (!charge.tenant().isEmpty()) {
                state.pendingTenantRefunds.merge(charge.tenant(), micros, Long::sum);
            }
            state.pendingSince = Math.min(state.pendingSince, now);
            if (now - state.lastWrite >= FLUSH_AFTER.toNanos() / 1000) {
                flush(charge.key(), state, now);
            }
        }
    }

    /** Writes what is pending alone; dropped if the clock has fallen behind (the key is idle, nothing to give). */
    private void flush(String key, KeyState state, long now) {
        if (state.pendingRefund == 0) {
            clearPending(state);
            return;
        }
        long lo = now - Pace.burstMicros(RateLimits.NONE);
        boolean idle = state.view.clock() < lo;
        if (idle && state.pendingRefund > 0) {
            clearPending(state); // the clock has fallen behind now: the key has all the room it can give
            return;
        }
        Map<String, String> names = new HashMap<>(Map.of("#clock", CLOCK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":lo", n(lo)));
        List<String> sets = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (idle) {
            // Extra usage charged to an idle key starts from now.
            values.put(":clock", n(lo - state.pendingRefund));
            sets.add("#clock = :clock");
            conditions.add("(attribute_not_exists(#clock) OR #clock < :lo)");
        } else {
            values.put(":refund", n(-state.pendingRefund));
            sets.add("#clock = #clock + :refund");
            conditions.add("#clock >= :lo");
        }
        int i = 0;
        for (Map.Entry<String, Long> t : state.pendingTenantRefunds.entrySet()) {
            double[] seen = state.view.tenants().get(t.getKey());
            if (seen != null && seen[0] >= lo) {
                names.put("#f" + i, SHARE_CLOCK + t.getKey());
                values.put(":r" + i, n(-t.getValue()));
                sets.add("#f" + i + " = #f" + i + " + :r" + i);
                conditions.add("attribute_exists(#f" + i + ")");
                i++;
            }
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(PK, AttributeValue.fromS(key)))
                .updateExpression("SET " + String.join(", ", sets))
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            state.view = View.of(
                    call("UpdateItem (settle)", () -> client.updateItem(request))
                            .attributes(),
                    now);
            state.lastWrite = now;
        } catch (ConditionalCheckFailedException e) {
            // Another client moved the clock across now meanwhile: what was pending no longer matters enough to chase.
            state.view = read(key, now);
        }
        clearPending(state);
    }

    private static void clearPending(KeyState state) {
        state.pendingRefund = 0;
        state.pendingTenantRefunds.clear();
        state.pendingSince = Long.MAX_VALUE;
    }

    @Override
    public void observe(String key, RateLimits configured, Signal signal) {
        KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
        synchronized (state) {
            long nowMillis = clock.millis();
            Pace.Correction seen = state.view.correction();
            switch (signal) {
                case Signal.Refused r -> refused(key, state, seen, nowMillis, r.retryAfter());
                case Signal.Reported r -> {
                    if (!r.limits().equals(seen.reported())) {
                        ProviderLimits p = r.limits();
                        UpdateItemRequest request = UpdateItemRequest.builder()
                                .tableName(table)
                                .key(Map.of(PK, AttributeValue.fromS(key)))
                                .updateExpression("SET #r0 = :r0, #r1 = :r1, #r2 = :r2, #r3 = :r3")
                                .expressionAttributeNames(Map.of(
                                        "#r0", REPORTED[0], "#r1", REPORTED[1], "#r2", REPORTED[2], "#r3", REPORTED[3]))
                                .expressionAttributeValues(Map.of(
                                        ":r0", n(p.rpm()),
                                        ":r1", n(p.tpm()),
                                        ":r2", n(p.inputTpm()),
                                        ":r3", n(p.outputTpm())))
                                .returnValues(ReturnValue.ALL_NEW)
                                .build();
                        state.view = View.of(
                                call("UpdateItem (reported limits)", () -> client.updateItem(request))
                                        .attributes(),
                                nowMillis * 1000);
                    }
                }
            }
        }
    }

    /**
     * Records a short refusal's time; answers the one it replaced ({@code 0}: none, or one in the same burst, which
     * is left as it was).
     */
    private long strike(String key, long nowMillis) {
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(PK, AttributeValue.fromS(key)))
                .updateExpression("SET #strikeAt = :now")
                .conditionExpression("attribute_not_exists(#strikeAt) OR #strikeAt < :gap")
                .expressionAttributeNames(Map.of("#strikeAt", STRIKE_AT))
                .expressionAttributeValues(
                        Map.of(":now", n(nowMillis), ":gap", n(nowMillis - Pace.STRIKE_GAP.toMillis())))
                .returnValues(ReturnValue.UPDATED_OLD)
                .build();
        try {
            Map<String, AttributeValue> old = call("UpdateItem (strike)", () -> client.updateItem(request))
                    .attributes();
            return number(old, STRIKE_AT, 0);
        } catch (ConditionalCheckFailedException e) {
            return 0; // another client struck within the gap: the same burst
        }
    }

    /**
     * Cuts the shared pace (a long refusal, or a second short one; once per cooldown, whoever sees it first) and
     * holds every client back.
     */
    private void refused(String key, KeyState state, Pace.Correction seen, long nowMillis, Duration retryAfter) {
        long hold = nowMillis * 1000 + Pace.holdMicros(retryAfter);
        state.leases.clear();
        Pace.Correction cut = seen.refused(nowMillis, retryAfter);
        if (cut != seen && !cut.cutSince(seen)) {
            // A strike, remembered for every client; one another client left earlier (and not in the same burst)
            // makes this refusal the second, which cuts.
            long earlier = strike(key, nowMillis);
            if (earlier > 0) {
                cut = new Pace.Correction(seen.scale(), seen.ceiling(), seen.cutAtMillis(), earlier, seen.reported())
                        .refused(nowMillis, retryAfter);
            }
        }
        if (cut.cutSince(seen)) {
            UpdateItemRequest request = UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(PK, AttributeValue.fromS(key)))
                    .updateExpression("SET #scale = :scale, #ceiling = :ceiling, #cutAt = :cutAt REMOVE #strikeAt")
                    .conditionExpression("attribute_not_exists(#cutAt) OR #cutAt < :cooldown")
                    .expressionAttributeNames(
                            Map.of("#scale", SCALE, "#ceiling", CEILING, "#cutAt", CUT_AT, "#strikeAt", STRIKE_AT))
                    .expressionAttributeValues(Map.of(
                            ":scale", AttributeValue.fromN(Double.toString(cut.scale())),
                            ":ceiling", AttributeValue.fromN(Double.toString(cut.ceiling())),
                            ":cutAt", n(nowMillis),
                            ":cooldown", n(nowMillis - Pace.CUT_COOLDOWN.toMillis())))
                    .returnValues(ReturnValue.ALL_NEW)
                    .build();
            try {
                state.view = View.of(
                        call("UpdateItem (cut)", () -> client.updateItem(request))
                                .attributes(),
                        nowMillis * 1000);
            } catch (ConditionalCheckFailedException e) {
                state.view = read(key, nowMillis * 1000); // another client cut first
            }
        }
        if (state.view.clock() < hold) {
            UpdateItemRequest request = UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(PK, AttributeValue.fromS(key)))
                    .updateExpression("SET #clock = :hold")
                    .conditionExpression("attribute_not_exists(#clock) OR #clock < :hold")
                    .expressionAttributeNames(Map.of("#clock", CLOCK))
                    .expressionAttributeValues(Map.of(":hold", n(hold)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .build();
            try {
                state.view = View.of(
                        call("UpdateItem (hold)", () -> client.updateItem(request))
                                .attributes(),
                        nowMillis * 1000);
            } catch (ConditionalCheckFailedException e) {
                // Already held at least as long by another client.
            }
        }
    }

    private View read(String key, long now) {
        var response = call(
                "GetItem (limits)",
                () -> client.getItem(b -> b.tableName(table)
                        .key(Map.of(PK, AttributeValue.fromS(key)))
                        .consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? View.of(response.item(), now) : View.NONE;
    }

    /** Counts this ask among the last second's of its lease, to size the next lease. */
    private static int noteAsk(KeyState state, String leaseKey, long now) {
        ArrayDeque<Long> recent = state.asks.computeIfAbsent(leaseKey, k -> new ArrayDeque<>());
        recent.addLast(now);
        while (recent.peekFirst() < now - 1_000_000L) {
            recent.pollFirst();
        }
        return recent.size();
    }

    private static String tenantHash(Ask ask) {
        return Hashes.sha256Hex(ask.tenant().value()).substring(0, 16);
    }

    private static Booking refused(Duration retryAfter, String reason) {
        return new Booking.Refused(new Admission.Denied(retryAfter, reason));
    }

    private static Admission.Denied positive(long micros, String reason) {
        return new Admission.Denied(Duration.ofNanos(Math.max(1000, micros * 1000)), reason);
    }

    private static long number(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? fallback : (long) Double.parseDouble(v.n());
    }

    private static double decimal(Map<String, AttributeValue> item, String name, double fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? fallback : Double.parseDouble(v.n());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoDbErrors.classify(what, e);
        }
    }
}
