package dev.sluice.domain.usecase;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.SpendLedger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a tenant spent on model calls over a range of UTC days, and where it stands against its budget. */
public interface QueryUsage {

    /**
     * @param from the first day, or the first of {@code to}'s month
     * @param to the last day (included), or today
     * @throws InvalidInputException for a range that ends before it starts or spans more than 366 days
     */
    Report usage(TenantId tenant, Optional<LocalDate> from, Optional<LocalDate> to);

    /** Calls, tokens and dollars. */
    record Totals(long calls, long inputTokens, long outputTokens, Cost cost) {
        public static final Totals NONE = new Totals(0, 0, 0, Cost.ZERO);

        public Totals plus(SpendLedger.Line line) {
            return new Totals(
                    calls + line.calls(),
                    inputTokens + line.inputTokens(),
                    outputTokens + line.outputTokens(),
                    cost.plus(line.cost()));
        }
    }

    /**
     * The tenant's budget and what it has spent in the current day and month (settled calls; calls running now hold
     * their worst case on top of this until they settle).
     */
    record Standing(
            Budget budget, Cost spentToday, Cost spentThisMonth, Instant dayStartsAgain, Instant monthStartsAgain) {}

    record Report(
            TenantId tenant,
            LocalDate from,
            LocalDate to,
            Totals total,
            Map<String, Totals> byPipeline,
            Map<String, Totals> byModel,
            Map<LocalDate, Totals> byDay,
            List<SpendLedger.Line> lines,
            Standing standing) {}
}
