package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.ParkedCalls.Line;
import dev.sluice.domain.port.ParkedCallsContract;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynaliteExtension.class)
class DynamoDbParkedCallsIT extends ParkedCallsContract {
    private static final DynamoDbClient CLIENT = LocalDynamoDb.client();
    private static final String TABLE = LocalDynamoDb.TABLES.cache().name();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Override
    protected ParkedCalls parked(MutableClock clock) {
        return new DynamoDbParkedCalls(CLIENT, new DynamoDbParkedCalls.Settings(TABLE), clock);
    }

    @Test
    void aHundredKilobytePromptIsParkedAndReadBack() {
        ParkedCalls parked = parked(clock);
        String alias = "long-" + System.nanoTime();
        String key = "long-prompt-" + System.nanoTime();
        Random random = new Random(42);
        StringBuilder prompt = new StringBuilder();
        while (prompt.length() < 100 * 1024) {
            prompt.append("Summarise section ")
                    .append(random.nextInt(1_000_000))
                    .append(": ")
                    .append(Long.toString(random.nextLong(), 36))
                    .append(". ");
        }
        Line line = Line.waiting(key, alias, "You are terse.", prompt.toString(), clock.instant(), 7);

        assertThat(parked.park(line)).isEqualTo(line);
        assertThat(parked.line(key)).contains(line);
        Map<String, AttributeValue> item = CLIENT.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS(DynamoDbParkedCalls.lineItemKey(key))))
                        .consistentRead(true))
                .item();
        assertThat(item.get("prompt").b()).as("kept compressed").isNotNull();
        assertThat(Long.parseLong(item.get("expiresAt").n()))
                .isEqualTo(line.parkedAt().plus(DynamoDbParkedCalls.LINE_TTL).getEpochSecond() + 1);
    }

    @Test
    void threeHundredKeysParkedInOneWindowAreAllListed() {
        ParkedCalls parked = parked(clock);
        String alias = "busy-" + System.nanoTime();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = "busy-" + i + "-" + System.nanoTime();
            keys.add(key);
            parked.park(Line.waiting(key, alias, "s", "prompt " + i, clock.instant(), 42));
        }

        assertThat(parked.listed(alias, 42)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(parked.listed(alias, 41)).isEmpty();
    }
}
