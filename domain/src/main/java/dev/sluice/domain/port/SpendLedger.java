package dev.sluice.domain.port;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * What each tenant spends on model calls, kept where every consumer of a deployment sees it (DynamoDB in AWS), and
 * the budgets that hold it back. Days and months are UTC.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #hold} adds {@code worstCase} to what the tenant has spent or holds in the day and the month of
 *       {@code at}, atomically, unless that would take either past its limit; concurrent holds, from any number of
 *       processes, never together pass a limit. Since a hold is the most a call can cost, spend never passes a limit
 *       either, unless a provider bills more than the worst case. A tenant without a budget is held nothing.
 *   <li>{@link #settle} replaces a hold by what the call cost, and records the call in the tenant's usage of the
 *       hold's day, by pipeline and model. {@link #release} gives a hold back (the call was not made, or not billed).
 *   <li>{@link #usage} reads what was recorded for each day from {@code from} to {@code to}, both included.
 * </ul>
 *
 * A process that dies between a hold and its settlement leaves the hold counted until its period ends: the budget
 * errs towards spending less, never more. Failures: {@link TransientException}.
 */
public interface SpendLedger {

    Hold hold(TenantId tenant, Budget budget, Cost worstCase, Instant at);

    void settle(Hold.Held held, Spend spend);

    void release(Hold.Held held);

    List<Line> usage(TenantId tenant, LocalDate from, LocalDate to);

    /** A ledger for a deployment that keeps no books: every hold is granted, nothing is recorded. */
    SpendLedger NONE = new SpendLedger() {
        @Override
        public Hold hold(TenantId tenant, Budget budget, Cost worstCase, Instant at) {
            return new Hold.Held(tenant, budget, day(at), Cost.ZERO);
        }

        @Override
        public void settle(Hold.Held held, Spend spend) {}

        @Override
        public void release(Hold.Held held) {}

        @Override
        public List<Line> usage(TenantId tenant, LocalDate from, LocalDate to) {
            return List.of();
        }
    };

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /** One answered call: which pipeline and model alias it was for, its tokens and what it cost. */
    record Spend(String pipeline, String model, TokenUsage usage, Cost cost) {
        public Spend {
            Objects.requireNonNull(pipeline, "'pipeline' must not be null");
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(usage, "'usage' must not be null");
            Objects.requireNonNull(cost, "'cost' must not be null");
        }
    }

    /** The budget periods. */
    enum Period {
        DAILY("daily", "today"),
        MONTHLY("monthly", "this month");

        public final String adjective;
        public final String span;

        Period(String adjective, String span) {
            this.adjective = adjective;
            this.span = span;
        }

        /** When the period that holds {@code day} ends, and the next one starts. */
        public Instant resetsAfter(LocalDate day) {
            LocalDate next =
                    this == DAILY ? day.plusDays(1) : day.withDayOfMonth(1).plusMonths(1);
            return next.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    /** Outcome of {@link #hold}. */
    sealed interface Hold {
        /** Granted: {@code held} is counted against the tenant's budget of {@code day} until settled or released. */
        record Held(TenantId tenant, Budget budget, LocalDate day, Cost held) implements Hold {
            public Held {
                Objects.requireNonNull(tenant, "'tenant' must not be null");
                Objects.requireNonNull(budget, "'budget' must not be null");
                Objects.requireNonNull(day, "'day' must not be null");
                Objects.requireNonNull(held, "'held' must not be null");
            }
        }

        /**
         * Refused: of {@code limit} in {@code period} the tenant has spent {@code spent} (settled calls) and holds
         * {@code held} more for calls running now, and this call could cost up to {@code worstCase}; the period starts
         * again at {@code resetsAt}.
         */
        record Refused(
                TenantId tenant, Period period, Cost limit, Cost spent, Cost held, Cost worstCase, Instant resetsAt)
                implements Hold {
            public Refused {
                Objects.requireNonNull(tenant, "'tenant' must not be null");
                Objects.requireNonNull(period, "'period' must not be null");
                Objects.requireNonNull(limit, "'limit' must not be null");
                Objects.requireNonNull(spent, "'spent' must not be null");
                Objects.requireNonNull(held, "'held' must not be null");
                Objects.requireNonNull(worstCase, "'worstCase' must not be null");
                Objects.requireNonNull(resetsAt, "'resetsAt' must not be null");
            }

            /**
             * Whether the budget itself is spent: what settled calls cost leaves no room for this one. Otherwise the
             * rest is only held by calls running now, and there may be room once they settle.
             */
            public boolean spentOut() {
                return spent.usd().add(worstCase.usd()).compareTo(limit.usd()) > 0;
            }

            /** In a person's words, e.g. for a failed job's reason. */
            public String reason() {
                String running =
                        held.usd().signum() > 0 ? " (and " + dollars(held) + " held by calls running now)" : "";
                return "tenant '" + tenant.value() + "' has reached its " + period.adjective + " budget of "
                        + dollars(limit) + ": " + dollars(spent) + " spent " + period.span + running
                        + ", and this call could cost up to " + dollars(worstCase) + "; the budget starts again at "
                        + resetsAt;
            }

            private static String dollars(Cost cost) {
                return "$"
                        + cost.usd()
                                .setScale(4, RoundingMode.UP)
                                .stripTrailingZeros()
                                .toPlainString();
            }
        }
    }

    /** What one tenant spent on one day, through one pipeline, on one model. */
    record Line(
            LocalDate day, String pipeline, String model, long calls, long inputTokens, long outputTokens, Cost cost) {
        public Line {
            Objects.requireNonNull(day, "'day' must not be null");
            Objects.requireNonNull(pipeline, "'pipeline' must not be null");
            Objects.requireNonNull(model, "'model' must not be null");
            Objects.requireNonNull(cost, "'cost' must not be null");
        }
    }
}
