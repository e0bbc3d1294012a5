package dev.sluice.domain.fake;

import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.SpendLedgerContract;

class InMemorySpendLedgerTest extends SpendLedgerContract {
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();

    @Override
    protected SpendLedger ledger() {
        return ledger;
    }
}
