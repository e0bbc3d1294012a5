package dev.sluice.domain.fake;

import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.ParkedCallsContract;

class InMemoryParkedCallsTest extends ParkedCallsContract {
    @Override
    protected ParkedCalls parked(MutableClock clock) {
        return new InMemoryParkedCalls();
    }
}
