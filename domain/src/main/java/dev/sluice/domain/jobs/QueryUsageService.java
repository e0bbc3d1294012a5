package dev.sluice.domain.jobs;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.QueryUsage;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads a tenant's usage from the spend ledger and sums it by pipeline, model and day. */
public final class QueryUsageService implements QueryUsage {
    /** The longest range one report covers. */
    public static final int MOST_DAYS = 366;

    private final SluiceConfig config;
    private final SpendLedger ledger;
    private final Clock clock;

    public QueryUsageService(SluiceConfig config, SpendLedger ledger, Clock clock) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public Report usage(TenantId tenant, Optional<LocalDate> from, Optional<LocalDate> to) {
        LocalDate today = SpendLedger.day(clock.instant());
        LocalDate last = to.orElse(today);
        LocalDate first = from.orElse(last.withDayOfMonth(1));
        if (first.isAfter(last)) {
            throw InvalidInputException.invalid("from", "must not be after 'to' (" + first + " is after " + last + ")");
        }
        long days = ChronoUnit.DAYS.between(first, last) + 1;
        if (days > MOST_DAYS) {
            throw InvalidInputException.invalid(
                    "from", "a report covers at most " + MOST_DAYS + " days; " + first + " to " + last + " is " + days);
        }
        List<SpendLedger.Line> lines = ledger.usage(tenant, first, last);
        Map<String, Totals> byPipeline = new TreeMap<>();
        Map<String, Totals> byModel = new TreeMap<>();
        Map<LocalDate, Totals> byDay = new TreeMap<>();
        Totals total = Totals.NONE;
        for (SpendLedger.Line line : lines) {
            total = total.plus(line);
            byPipeline.merge(line.pipeline(), Totals.NONE.plus(line), QueryUsageService::sum);
            byModel.merge(line.model(), Totals.NONE.plus(line), QueryUsageService::sum);
            byDay.merge(line.day(), Totals.NONE.plus(line), QueryUsageService::sum);
        }
        return new Report(tenant, first, last, total, byPipeline, byModel, byDay, lines, standing(tenant, today));
    }

    private Standing standing(TenantId tenant, LocalDate today) {
        Budget budget = config.tenantPolicy(tenant).budget();
        Cost day = Cost.ZERO;
        Cost month = Cost.ZERO;
        for (SpendLedger.Line line : ledger.usage(tenant, today.withDayOfMonth(1), today)) {
            month = month.plus(line.cost());
            if (line.day().equals(today)) {
                day = day.plus(line.cost());
            }
        }
        return new Standing(
                budget,
                day,
                month,
                SpendLedger.Period.DAILY.resetsAfter(today),
                SpendLedger.Period.MONTHLY.resetsAfter(today));
    }

    private static Totals sum(Totals a, Totals b) {
        return new Totals(
                a.calls() + b.calls(),
                a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens(),
                a.cost().plus(b.cost()));
    }
}
