package dev.sluice.domain.fake;

import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.RateLimiterContract;

class InMemoryRateLimiterTest extends RateLimiterContract {
    private InMemoryRateLimiter shared;

    @Override
    protected RateLimiter limiter(MutableClock clock) {
        if (shared == null) {
            shared = new InMemoryRateLimiter(clock);
        }
        return shared;
    }
}
