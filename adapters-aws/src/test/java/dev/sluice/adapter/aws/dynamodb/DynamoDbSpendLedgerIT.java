package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.SpendLedgerContract;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynaliteExtension.class)
class DynamoDbSpendLedgerIT extends SpendLedgerContract {
    private static final DynamoDbClient CLIENT = LocalDynamoDb.client();
    private static final String TABLE = LocalDynamoDb.TABLES.limits().name();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Override
    protected SpendLedger ledger() {
        return new DynamoDbSpendLedger(CLIENT, new DynamoDbSpendLedger.Settings(TABLE));
    }

    @Test
    void aTenantsMonthIsOneSmallItemThatExpiresAfterAYear() {
        TenantId t = new TenantId("items-" + System.nanoTime());
        Budget budget = new Budget(Optional.of(Cost.usd("5")), Optional.of(Cost.usd("50")), Budget.OverBudget.FAIL);
        SpendLedger ledger = ledger();
        SpendLedger.Hold.Held held = (SpendLedger.Hold.Held)
                ledger.hold(t, budget, Cost.usd("0.001"), Instant.parse("2026-06-15T10:00:00Z"));
        ledger.settle(held, new SpendLedger.Spend("rag", "fast", new TokenUsage(2000, 500), Cost.usd("0.0006")));

        Map<String, AttributeValue> month = CLIENT.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS("BUDGET#" + t.value() + "#2026-06")))
                        .consistentRead(true))
                .item();
        assertThat(month.get("month").n()).isEqualTo("0.0006");
        assertThat(month.get("d15").n()).isEqualTo("0.0006");
        assertThat(Long.parseLong(month.get("expiresAt").n()))
                .isEqualTo(Instant.parse("2026-07-01T00:00:00Z")
                        .plusSeconds(400L * 86400)
                        .getEpochSecond());
        assertThat(ledger.usage(t, LocalDate.of(2026, 6, 15), LocalDate.of(2026, 6, 15)))
                .singleElement()
                .satisfies(l -> assertThat(l.cost()).isEqualTo(Cost.usd("0.0006")));
    }

    @Test
    void namesWithSeparatorsRoundTrip() {
        TenantId t = new TenantId("names-" + System.nanoTime());
        SpendLedger ledger = ledger();
        SpendLedger.Hold.Held held =
                (SpendLedger.Hold.Held) ledger.hold(t, Budget.NONE, Cost.ZERO, Instant.parse("2026-06-15T10:00:00Z"));
        ledger.settle(held, new SpendLedger.Spend("a|b c", "m|%x", new TokenUsage(1, 1), Cost.usd("0.1")));
        assertThat(ledger.usage(t, LocalDate.of(2026, 6, 15), LocalDate.of(2026, 6, 15)))
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.pipeline()).isEqualTo("a|b c");
                    assertThat(l.model()).isEqualTo("m|%x");
                });
    }
}
