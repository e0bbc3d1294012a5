package dev.sluice.domain.fake;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.SpendLedger;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reference {@link SpendLedger}: one process, one lock. */
public final class InMemorySpendLedger implements SpendLedger {
    private final Map<String, BigDecimal> committed = new HashMap<>();
    private final Map<String, BigDecimal> spent = new HashMap<>();
    private final Map<List<Object>, Line> lines = new HashMap<>();

    @Override
    public synchronized Hold hold(TenantId tenant, Budget budget, Cost worstCase, Instant at) {
        LocalDate day = SpendLedger.day(at);
        if (!budget.isLimited()) {
            return new Hold.Held(tenant, budget, day, Cost.ZERO);
        }
        Optional<Hold.Refused> refused = refusal(
                        tenant, Period.DAILY, budget.daily(), dayKey(tenant, day), worstCase, day)
                .or(() -> refusal(tenant, Period.MONTHLY, budget.monthly(), monthKey(tenant, day), worstCase, day));
        if (refused.isPresent()) {
            return refused.get();
        }
        add(tenant, day, worstCase.usd());
        return new Hold.Held(tenant, budget, day, worstCase);
    }

    private Optional<Hold.Refused> refusal(
            TenantId tenant, Period period, Optional<Cost> limit, String key, Cost worstCase, LocalDate day) {
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal now = committed.getOrDefault(key, BigDecimal.ZERO);
        if (now.add(worstCase.usd()).compareTo(limit.get().usd()) <= 0) {
            return Optional.empty();
        }
        BigDecimal settled = spent.getOrDefault(key, BigDecimal.ZERO);
        return Optional.of(new Hold.Refused(
                tenant,
                period,
                limit.get(),
                new Cost(settled),
                new Cost(now.subtract(settled).max(BigDecimal.ZERO)),
                worstCase,
                period.resetsAfter(day)));
    }

    @Override
    public synchronized void settle(Hold.Held held, Spend spend) {
        if (held.budget().isLimited()) {
            add(
                    held.tenant(),
                    held.day(),
                    spend.cost().usd().subtract(held.held().usd()));
            spent.merge(dayKey(held.tenant(), held.day()), spend.cost().usd(), BigDecimal::add);
            spent.merge(monthKey(held.tenant(), held.day()), spend.cost().usd(), BigDecimal::add);
        }
        List<Object> key = List.of(held.tenant(), held.day(), spend.pipeline(), spend.model());
        Line was = lines.getOrDefault(key, new Line(held.day(), spend.pipeline(), spend.model(), 0, 0, 0, Cost.ZERO));
        lines.put(
                key,
                new Line(
                        held.day(),
                        spend.pipeline(),
                        spend.model(),
                        was.calls() + 1,
                        was.inputTokens() + spend.usage().input(),
                        was.outputTokens() + spend.usage().output(),
                        was.cost().plus(spend.cost())));
    }

    @Override
    public synchronized void release(Hold.Held held) {
        if (held.budget().isLimited()) {
            add(held.tenant(), held.day(), held.held().usd().negate());
        }
    }

    @Override
    public synchronized List<Line> usage(TenantId tenant, LocalDate from, LocalDate to) {
        List<Line> found = new ArrayList<>();
        for (Map.Entry<List<Object>, Line> e : lines.entrySet()) {
            LocalDate day = e.getValue().day();
            if (e.getKey().getFirst().equals(tenant) && !day.isBefore(from) && !day.isAfter(to)) {
                found.add(e.getValue());
            }
        }
        return found;
    }

    private void add(TenantId tenant, LocalDate day, BigDecimal usd) {
        committed.merge(dayKey(tenant, day), usd, BigDecimal::add);
        committed.merge(monthKey(tenant, day), usd, BigDecimal::add);
    }

    private static String dayKey(TenantId tenant, LocalDate day) {
        return tenant.value() + "#" + day;
    }

    private static String monthKey(TenantId tenant, LocalDate day) {
        return tenant.value() + "#" + YearMonth.from(day);
    }
}
