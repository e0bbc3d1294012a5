package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.domain.config.TenantPolicy;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.RateLimiterContract;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynaliteExtension.class)
class DynamoDbRateLimiterIT extends RateLimiterContract {
    private static final List<DynamoDbClient> CLIENTS = new ArrayList<>();
    private static final String TABLE = LocalDynamoDb.TABLES.limits().name();

    @AfterAll
    static void closeClients() {
        CLIENTS.forEach(DynamoDbClient::close);
    }

    /** Each call is another process: its own SDK client and its own limiter. */
    @Override
    protected RateLimiter limiter(MutableClock clock) {
        return limiter(clock, DynamoDbRateLimiter.Settings.of(TABLE));
    }

    private static RateLimiter limiter(java.time.Clock clock, DynamoDbRateLimiter.Settings settings) {
        DynamoDbClient client = LocalDynamoDb.client();
        synchronized (CLIENTS) {
            CLIENTS.add(client);
        }
        return new DynamoDbRateLimiter(client, settings, clock);
    }

    private static String key() {
        return "anthropic:it-" + System.nanoTime();
    }

    private static RateLimiter.Ask ask(String key, RateLimits limits, TokenUsage estimate) {
        return new RateLimiter.Ask(
                key, limits, estimate, new TenantId("tenant-a"), TenantPolicy.DEFAULT, Priority.INTERACTIVE);
    }

    /** DynamoDB requests a client made, by operation. */
    private static final class Calls implements ExecutionInterceptor {
        final AtomicLong count = new AtomicLong();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            count.incrementAndGet();
        }
    }

    @Test
    void oneBookingServesTheFollowingAsksOfItsClientFromALease() {
        Calls calls = new Calls();
        DynamoDbClient sdk = LocalDynamoDb.client(calls);
        synchronized (CLIENTS) {
            CLIENTS.add(sdk);
        }
        RateLimiter limiter = new DynamoDbRateLimiter(sdk, DynamoDbRateLimiter.Settings.of(TABLE), clock);
        String key = key();
        RateLimits limits = new RateLimits(600, 0, 0, 0);
        long granted = 0;
        long before = calls.count.get();
        // Thirty asks per second for 20 s against a pace of ten per second.
        for (int step = 0; step < 200; step++) {
            for (int i = 0; i < 3; i++) {
                if (limiter.tryAcquire(ask(key, limits, new TokenUsage(5, 5)))
                        instanceof RateLimiter.Admission.Granted) {
                    granted++;
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
        long made = calls.count.get() - before;
        // 200 at the pace, the burst (10 + 1) and at most the wait's worth (2 s) granted ahead of its start.
        assertThat(granted).isBetween(195L, 231L);
        assertThat((double) made / granted)
                .as("%d calls for %d grants", made, granted)
                .isLessThanOrEqualTo(0.5);
    }

    @Test
    void anotherClientSeesTheTokensASettleGaveBack() {
        RateLimiter first = limiter(clock);
        RateLimiter second = limiter(clock);
        String key = key();
        RateLimits limits = new RateLimits(0, 1000, 0, 0);
        var granted = (RateLimiter.Admission.Granted) first.tryAcquire(ask(key, limits, new TokenUsage(700, 200)));
        assertThat(second.tryAcquire(ask(key, limits, new TokenUsage(300, 200))))
                .isInstanceOf(RateLimiter.Admission.Denied.class);
        clock.advance(Duration.ofSeconds(2)); // the model call
        first.settle(granted.permit(), new TokenUsage(40, 10));
        assertThat(second.tryAcquire(ask(key, limits, new TokenUsage(300, 200))))
                .isInstanceOf(RateLimiter.Admission.Granted.class);
    }

    @Test
    void extraTokensAreChargedToEveryClient() {
        RateLimiter first = limiter(clock);
        RateLimiter second = limiter(clock);
        String key = key();
        RateLimits limits = new RateLimits(0, 6000, 0, 0);
        var granted = (RateLimiter.Admission.Granted) first.tryAcquire(ask(key, limits, new TokenUsage(50, 50)));
        clock.advance(Duration.ofSeconds(2));
        first.settle(granted.permit(), new TokenUsage(3000, 1000));
        assertThat(second.tryAcquire(ask(key, limits, new TokenUsage(50, 50))))
                .as("the call used 4,000 tokens, 40 s at 6,000 per minute")
                .isInstanceOf(RateLimiter.Admission.Denied.class);
    }

    @Test
    void theItemKeepsNoWindowsAndExpiresWhenIdle() {
        RateLimiter limiter = limiter(clock);
        String key = key();
        limiter.tryAcquire(ask(key, new RateLimits(60, 0, 0, 0), new TokenUsage(5, 5)));
        var item = LocalDynamoDb.client()
                .getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(key))))
                .item();
        assertThat(item).containsKeys("clock", SluiceTables.TTL_ATTRIBUTE);
        assertThat(Long.parseLong(item.get(SluiceTables.TTL_ATTRIBUTE).n()))
                .isGreaterThan(clock.instant().plus(Duration.ofHours(23)).getEpochSecond());
    }
}
