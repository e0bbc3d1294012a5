package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.SpendLedger;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * {@link SpendLedger} on the limits table, two kinds of item:
 *
 * <ul>
 *   <li>{@code BUDGET#<tenant>#<yyyy-MM>}: what a tenant with a budget has spent or holds in the month ({@code month})
 *       and on each of its days ({@code d01} .. {@code d31}), and of that what settled calls cost ({@code spent},
 *       {@code s01} .. {@code s31}). A hold is one UpdateItem that adds the worst case to
 *       both, on the condition that each stays within its limit less the worst case (DynamoDB conditions compare,
 *       they do not add), so concurrent holds from any number of processes never together pass a limit.
 *   <li>{@code USAGE#<tenant>#<yyyy-MM-dd>}: per pipeline and model, the calls, tokens and dollars of a day, added by
 *       each settlement; the usage report reads these by key.
 * </ul>
 *
 * Amounts are DynamoDB numbers (exact decimals). Items expire (TTL) a year and a month after their period.
 */
public final class DynamoDbSpendLedger implements SpendLedger {
    private static final String PK = SluiceTables.PARTITION_KEY;
    private static final String TTL = SluiceTables.TTL_ATTRIBUTE;
    private static final String MONTH = "month";
    private static final String SPENT = "spent";
    private static final String TENANT = "tenant";
    private static final String DAY = "day";
    private static final Duration KEPT = Duration.ofDays(400);
    /** A hold that lost a race to a release is tried again this often before it is refused. */
    private static final int HOLD_ATTEMPTS = 3;

    private final DynamoDbClient client;
    private final String table;

    /** @param table the limits table ({@code SluiceTables.limits()}) */
    public record Settings(String table) {
        public Settings {
            Objects.requireNonNull(table, "'table' must not be null");
        }
    }

    public DynamoDbSpendLedger(DynamoDbClient client, Settings settings) {
        this.client = Objects.requireNonNull(client, "'client' must not be null");
        this.table = settings.table();
    }

    @Override
    public Hold hold(TenantId tenant, Budget budget, Cost worstCase, Instant at) {
        LocalDate day = SpendLedger.day(at);
        if (!budget.isLimited()) {
            return new Hold.Held(tenant, budget, day, Cost.ZERO);
        }
        // Before any write: a call whose worst case alone passes a limit could never be held.
        Optional<Hold.Refused> never = refusal(tenant, budget, worstCase, day, Map.of());
        if (never.isPresent()) {
            return never.get();
        }
        Map<String, AttributeValue> seen = Map.of();
        for (int attempt = 0; attempt < HOLD_ATTEMPTS; attempt++) {
            try {
                add(tenant, day, worstCase.usd(), Optional.of(budget), worstCase);
                return new Hold.Held(tenant, budget, day, worstCase);
            } catch (ConditionalCheckFailedException e) {
                seen = budgetItem(tenant, day);
                Optional<Hold.Refused> refused = refusal(tenant, budget, worstCase, day, seen);
                if (refused.isPresent()) {
                    return refused.get();
                }
                // There was room by the time it was read: a settlement or a release gave some back. Again.
            }
        }
        return refusalAt(tenant, budget, worstCase, day, seen);
    }

    @Override
    public void settle(Hold.Held held, Spend spend) {
        if (held.budget().isLimited()) {
            settleBudget(held, spend.cost());
        }
        String line = URLEncoder.encode(spend.pipeline(), StandardCharsets.UTF_8) + "|"
                + URLEncoder.encode(spend.model(), StandardCharsets.UTF_8);
        Map<String, String> names = new HashMap<>(Map.of(
                "#c", "calls|" + line,
                "#i", "input|" + line,
                "#o", "output|" + line,
                "#u", "usd|" + line,
                "#tenant", TENANT,
                "#day", DAY,
                "#ttl", TTL));
        Map<String, AttributeValue> values = Map.of(
                ":one", AttributeValue.fromN("1"),
                ":i", AttributeValue.fromN(Long.toString(spend.usage().input())),
                ":o", AttributeValue.fromN(Long.toString(spend.usage().output())),
                ":u", AttributeValue.fromN(spend.cost().usd().toPlainString()),
                ":tenant", AttributeValue.fromS(held.tenant().value()),
                ":day", AttributeValue.fromS(held.day().toString()),
                ":ttl", AttributeValue.fromN(Long.toString(expiry(held.day().plusDays(1)))));
        call(
                "UpdateItem (usage)",
                () -> client.updateItem(b -> b.tableName(table)
                        .key(Map.of(PK, AttributeValue.fromS(usageKey(held.tenant(), held.day()))))
                        .updateExpression(
                                "ADD #c :one, #i :i, #o :o, #u :u SET #tenant = :tenant, #day = :day, #ttl = :ttl")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)));
    }

    @Override
    public void release(Hold.Held held) {
        if (held.budget().isLimited() && held.held().usd().signum() > 0) {
            add(held.tenant(), held.day(), held.held().usd().negate(), Optional.empty(), Cost.ZERO);
        }
    }

    @Override
    public List<Line> usage(TenantId tenant, LocalDate from, LocalDate to) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            keys.add(Map.of(PK, AttributeValue.fromS(usageKey(tenant, d))));
        }
        List<Line> lines = new ArrayList<>();
        for (int start = 0; start < keys.size(); start += 100) {
            Map<String, KeysAndAttributes> pending = Map.of(
                    table,
                    KeysAndAttributes.builder()
                            .keys(keys.subList(start, Math.min(keys.size(), start + 100)))
                            .build());
            for (int round = 0; !pending.isEmpty(); round++) {
                Map<String, KeysAndAttributes> ask = pending;
                BatchGetItemResponse response =
                        call("BatchGetItem (usage)", () -> client.batchGetItem(b -> b.requestItems(ask)));
                response.responses().getOrDefault(table, List.of()).forEach(item -> lines.addAll(lines(item)));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!pending.isEmpty() && round > 20) {
                    throw new dev.sluice.domain.port.TransientException(
                            "the usage table kept leaving keys unprocessed", null);
                }
            }
        }
        lines.sort(java.util.Comparator.comparing(Line::day)
                .thenComparing(Line::pipeline)
                .thenComparing(Line::model));
        return lines;
    }

    private static List<Line> lines(Map<String, AttributeValue> item) {
        LocalDate day = LocalDate.parse(item.get(DAY).s());
        Map<String, Map<String, AttributeValue>> byLine = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            int bar = name.indexOf('|');
            if (bar > 0 && value.n() != null) {
                byLine.computeIfAbsent(name.substring(bar + 1), k -> new HashMap<>())
                        .put(name.substring(0, bar), value);
            }
        });
        List<Line> lines = new ArrayList<>();
        byLine.forEach((line, metrics) -> {
            int bar = line.indexOf('|');
            lines.add(new Line(
                    day,
                    URLDecoder.decode(line.substring(0, bar), StandardCharsets.UTF_8),
                    URLDecoder.decode(line.substring(bar + 1), StandardCharsets.UTF_8),
                    whole(metrics.get("calls")),
                    whole(metrics.get("input")),
                    whole(metrics.get("output")),
                    new Cost(
                            metrics.containsKey("usd")
                                    ? new BigDecimal(metrics.get("usd").n())
                                    : BigDecimal.ZERO)));
        });
        return lines;
    }

    private static long whole(AttributeValue n) {
        return n == null ? 0 : new BigDecimal(n.n()).longValueExact();
    }

    /** The hold replaced by the cost, which is counted as spent too, in one write. */
    private void settleBudget(Hold.Held held, Cost cost) {
        Map<String, String> names =
                Map.of("#m", MONTH, "#d", dayAttribute(held.day()), "#sm", SPENT, "#sd", spentAttribute(held.day()));
        Map<String, AttributeValue> values = Map.of(
                ":delta",
                        AttributeValue.fromN(
                                cost.usd().subtract(held.held().usd()).toPlainString()),
                ":cost", AttributeValue.fromN(cost.usd().toPlainString()));
        call(
                "UpdateItem (settle budget)",
                () -> client.updateItem(b -> b.tableName(table)
                        .key(Map.of(PK, AttributeValue.fromS(budgetKey(held.tenant(), held.day()))))
                        .updateExpression("ADD #m :delta, #d :delta, #sm :cost, #sd :cost")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)));
    }

    /**
     * Adds {@code usd} (negative to give back) to the tenant's month and day; with {@code within}, only if each
     * configured limit still has room for {@code worstCase}.
     */
    private void add(TenantId tenant, LocalDate day, BigDecimal usd, Optional<Budget> within, Cost worstCase) {
        Map<String, String> names = new HashMap<>(Map.of("#m", MONTH, "#d", dayAttribute(day), "#ttl", TTL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":usd", AttributeValue.fromN(usd.toPlainString()),
                ":ttl",
                        AttributeValue.fromN(Long.toString(
                                expiry(YearMonth.from(day).plusMonths(1).atDay(1))))));
        List<String> conditions = new ArrayList<>();
        within.ifPresent(budget -> {
            budget.daily().ifPresent(limit -> {
                conditions.add("(attribute_not_exists(#d) OR #d <= :droom)");
                values.put(
                        ":droom",
                        AttributeValue.fromN(
                                limit.usd().subtract(worstCase.usd()).toPlainString()));
            });
            budget.monthly().ifPresent(limit -> {
                conditions.add("(attribute_not_exists(#m) OR #m <= :mroom)");
                values.put(
                        ":mroom",
                        AttributeValue.fromN(
                                limit.usd().subtract(worstCase.usd()).toPlainString()));
            });
        });
        try {
            client.updateItem(b -> {
                b.tableName(table)
                        .key(Map.of(PK, AttributeValue.fromS(budgetKey(tenant, day))))
                        .updateExpression("ADD #m :usd, #d :usd SET #ttl = :ttl")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values);
                if (!conditions.isEmpty()) {
                    b.conditionExpression(String.join(" AND ", conditions));
                }
            });
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoDbErrors.classify("UpdateItem (budget)", e);
        }
    }

    private Map<String, AttributeValue> budgetItem(TenantId tenant, LocalDate day) {
        return call(
                        "GetItem (budget)",
                        () -> client.getItem(b -> b.tableName(table)
                                .key(Map.of(PK, AttributeValue.fromS(budgetKey(tenant, day))))
                                .consistentRead(true)))
                .item();
    }

    /** The first limit that has no room for {@code worstCase}, given what the budget item holds. */
    private static Optional<Hold.Refused> refusal(
            TenantId tenant, Budget budget, Cost worstCase, LocalDate day, Map<String, AttributeValue> item) {
        BigDecimal today = amount(item, dayAttribute(day));
        BigDecimal month = amount(item, MONTH);
        if (budget.daily().isPresent()
                && today.add(worstCase.usd()).compareTo(budget.daily().get().usd()) > 0) {
            return Optional.of(refused(tenant, Period.DAILY, budget.daily().get(), item, worstCase, day));
        }
        if (budget.monthly().isPresent()
                && month.add(worstCase.usd()).compareTo(budget.monthly().get().usd()) > 0) {
            return Optional.of(refused(tenant, Period.MONTHLY, budget.monthly().get(), item, worstCase, day));
        }
        return Optional.empty();
    }

    /** Refused after losing every race: the period that is closest to its limit. */
    private static Hold.Refused refusalAt(
            TenantId tenant, Budget budget, Cost worstCase, LocalDate day, Map<String, AttributeValue> item) {
        if (budget.daily().isPresent()) {
            return refused(tenant, Period.DAILY, budget.daily().get(), item, worstCase, day);
        }
        return refused(tenant, Period.MONTHLY, budget.monthly().orElseThrow(), item, worstCase, day);
    }

    private static Hold.Refused refused(
            TenantId tenant,
            Period period,
            Cost limit,
            Map<String, AttributeValue> item,
            Cost worstCase,
            LocalDate day) {
        boolean daily = period == Period.DAILY;
        BigDecimal committed = amount(item, daily ? dayAttribute(day) : MONTH);
        BigDecimal spent = amount(item, daily ? spentAttribute(day) : SPENT).max(BigDecimal.ZERO);
        return new Hold.Refused(
                tenant,
                period,
                limit,
                new Cost(spent),
                new Cost(committed.subtract(spent).max(BigDecimal.ZERO)),
                worstCase,
                period.resetsAfter(day));
    }

    private static BigDecimal amount(Map<String, AttributeValue> item, String attribute) {
        AttributeValue v = item.get(attribute);
        return v == null || v.n() == null ? BigDecimal.ZERO : new BigDecimal(v.n());
    }

    static String budgetKey(TenantId tenant, LocalDate day) {
        return "BUDGET#" + tenant.value() + "#" + YearMonth.from(day);
    }

    static String usageKey(TenantId tenant, LocalDate day) {
        return "USAGE#" + tenant.value() + "#" + day;
    }

    private static String dayAttribute(LocalDate day) {
        return String.format("d%02d", day.getDayOfMonth());
    }

    private static String spentAttribute(LocalDate day) {
        return String.format("s%02d", day.getDayOfMonth());
    }

    private static long expiry(LocalDate periodEnd) {
        return periodEnd.atStartOfDay(ZoneOffset.UTC).toInstant().plus(KEPT).getEpochSecond();
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw DynamoDbErrors.classify(what, e);
        }
    }
}
