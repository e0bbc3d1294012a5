package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link SpendLedger} must do. Each test uses tenants of its own, so a shared table is fine. */
public abstract class SpendLedgerContract {
    private static final Instant NOON = Instant.parse("2026-06-15T12:00:00Z");

    protected abstract SpendLedger ledger();

    private static TenantId tenant(String name) {
        return new TenantId(name + "-" + System.nanoTime());
    }

    private static Budget daily(String usd) {
        return new Budget(Optional.of(Cost.usd(usd)), Optional.empty(), Budget.OverBudget.FAIL);
    }

    private static SpendLedger.Spend spend(String usd) {
        return new SpendLedger.Spend("rag", "fast", new TokenUsage(100, 20), Cost.usd(usd));
    }

    private static BigDecimal spent(List<SpendLedger.Line> lines) {
        return lines.stream().map(l -> l.cost().usd()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void holdsAreGrantedUntilTheNextOneWouldPassTheLimitAndTheRefusalSaysWhy() {
        SpendLedger ledger = ledger();
        TenantId t = tenant("holds");
        Budget budget = daily("1.00");
        for (int i = 0; i < 3; i++) {
            assertThat(ledger.hold(t, budget, Cost.usd("0.30"), NOON)).isInstanceOf(SpendLedger.Hold.Held.class);
        }
        SpendLedger.Hold fourth = ledger.hold(t, budget, Cost.usd("0.30"), NOON);
        assertThat(fourth).isInstanceOf(SpendLedger.Hold.Refused.class);
        SpendLedger.Hold.Refused refused = (SpendLedger.Hold.Refused) fourth;
        assertThat(refused.period()).isEqualTo(SpendLedger.Period.DAILY);
        assertThat(refused.held().usd()).as("held by calls not settled yet").isEqualByComparingTo("0.90");
        assertThat(refused.spent()).isEqualTo(Cost.ZERO);
        assertThat(refused.spentOut()).as("room once they settle").isFalse();
        assertThat(refused.resetsAt()).isEqualTo(Instant.parse("2026-06-16T00:00:00Z"));
        assertThat(ledger.hold(t, budget, Cost.usd("0.10"), NOON))
                .as("a smaller call still fits")
                .isInstanceOf(SpendLedger.Hold.Held.class);
        assertThat(ledger.hold(t, budget, Cost.usd("0.30"), Instant.parse("2026-06-16T00:00:01Z")))
                .as("the next day starts again")
                .isInstanceOf(SpendLedger.Hold.Held.class);
    }

    @Test
    void settlingGivesBackWhatTheCallDidNotCostAndRecordsIt() {
        SpendLedger ledger = ledger();
        TenantId t = tenant("settle");
        Budget budget = daily("1.00");
        SpendLedger.Hold.Held a = (SpendLedger.Hold.Held) ledger.hold(t, budget, Cost.usd("0.60"), NOON);
        assertThat(ledger.hold(t, budget, Cost.usd("0.60"), NOON)).isInstanceOf(SpendLedger.Hold.Refused.class);
        ledger.settle(a, spend("0.05"));
        SpendLedger.Hold.Held b = (SpendLedger.Hold.Held) ledger.hold(t, budget, Cost.usd("0.60"), NOON);
        ledger.release(b);
        assertThat(ledger.hold(t, budget, Cost.usd("0.90"), NOON)).isInstanceOf(SpendLedger.Hold.Held.class);

        List<SpendLedger.Line> lines = ledger.usage(t, LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30));
        assertThat(lines)
                .containsExactly(
                        new SpendLedger.Line(LocalDate.of(2026, 6, 15), "rag", "fast", 1, 100, 20, Cost.usd("0.05")));
    }

    @Test
    void aMonthlyLimitCountsEveryDayOfTheMonth() {
        SpendLedger ledger = ledger();
        TenantId t = tenant("monthly");
        Budget budget = new Budget(Optional.of(Cost.usd("1")), Optional.of(Cost.usd("1.5")), Budget.OverBudget.WAIT);
        for (int day = 1; day <= 3; day++) {
            Instant at = Instant.parse(String.format("2026-06-%02dT08:00:00Z", day));
            SpendLedger.Hold hold = ledger.hold(t, budget, Cost.usd("0.6"), at);
            if (day < 3) {
                ledger.settle((SpendLedger.Hold.Held) hold, spend("0.6"));
            } else {
                assertThat(hold).isInstanceOf(SpendLedger.Hold.Refused.class);
                SpendLedger.Hold.Refused r = (SpendLedger.Hold.Refused) hold;
                assertThat(r.period()).isEqualTo(SpendLedger.Period.MONTHLY);
                assertThat(r.spent().usd()).isEqualByComparingTo("1.2");
                assertThat(r.held()).isEqualTo(Cost.ZERO);
                assertThat(r.spentOut()).isTrue();
                assertThat(r.resetsAt()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
            }
        }
        assertThat(spent(ledger.usage(t, LocalDate.of(2026, 6, 2), LocalDate.of(2026, 6, 2))))
                .isEqualByComparingTo("0.6");
    }

    @Test
    void aCallWhoseWorstCaseAlonePassesTheLimitIsRefused() {
        SpendLedger.Hold hold = ledger().hold(tenant("huge"), daily("0.01"), Cost.usd("0.02"), NOON);
        assertThat(hold).isInstanceOf(SpendLedger.Hold.Refused.class);
        assertThat(((SpendLedger.Hold.Refused) hold).spent()).isEqualTo(Cost.ZERO);
        assertThat(((SpendLedger.Hold.Refused) hold).spentOut()).isTrue();
    }

    @Test
    void withoutABudgetEverythingIsHeldAndStillRecordedByPipelineAndModel() {
        SpendLedger ledger = ledger();
        TenantId t = tenant("free");
        for (int i = 0; i < 3; i++) {
            SpendLedger.Hold.Held h = (SpendLedger.Hold.Held) ledger.hold(t, Budget.NONE, Cost.usd("1000"), NOON);
            ledger.settle(
                    h,
                    new SpendLedger.Spend(i == 2 ? "chain" : "rag", "fast", new TokenUsage(10, 5), Cost.usd("0.25")));
        }
        List<SpendLedger.Line> lines = ledger.usage(t, LocalDate.of(2026, 6, 15), LocalDate.of(2026, 6, 15));
        assertThat(lines)
                .containsExactlyInAnyOrder(
                        new SpendLedger.Line(LocalDate.of(2026, 6, 15), "rag", "fast", 2, 20, 10, Cost.usd("0.5")),
                        new SpendLedger.Line(LocalDate.of(2026, 6, 15), "chain", "fast", 1, 10, 5, Cost.usd("0.25")));
        assertThat(ledger.usage(t, LocalDate.of(2026, 6, 16), LocalDate.of(2026, 6, 20)))
                .isEmpty();
    }

    /**
     * Many hops of one tenant at once, each holding its worst case and settling a random cost at most that, asking
     * again while the budget is only held by the others: the spend never passes the budget, and a hop is refused for
     * good only once what settled leaves less than one worst case.
     */
    @Test
    void concurrentHoldsNeverTogetherPassTheLimit() throws Exception {
        SpendLedger ledger = ledger();
        TenantId t = tenant("race");
        Budget budget = daily("0.50");
        Cost worst = Cost.usd("0.02");
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 120; i++) {
                running.add(pool.submit(() -> {
                    // As the engine does: a refusal only because of calls running now is asked again.
                    while (true) {
                        SpendLedger.Hold hold = ledger.hold(t, budget, worst, NOON);
                        if (hold instanceof SpendLedger.Hold.Held held) {
                            granted.incrementAndGet();
                            int cents = ThreadLocalRandom.current().nextInt(1, 3);
                            ledger.settle(
                                    held, spend(BigDecimal.valueOf(cents, 2).toPlainString()));
                            break;
                        }
                        if (((SpendLedger.Hold.Refused) hold).spentOut()) {
                            refused.incrementAndGet();
                            break;
                        }
                        Thread.sleep(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        BigDecimal total = spent(ledger.usage(t, LocalDate.of(2026, 6, 15), LocalDate.of(2026, 6, 15)));
        assertThat(total).isLessThanOrEqualTo(new BigDecimal("0.50"));
        assertThat(total).as("used up to within one worst case").isGreaterThan(new BigDecimal("0.48"));
        assertThat(granted.get() + refused.get()).isEqualTo(120);
        assertThat(refused.get()).isPositive();
    }
}
