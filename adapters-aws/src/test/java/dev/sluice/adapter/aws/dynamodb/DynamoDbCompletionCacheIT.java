package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.CompletionCacheContract;
import dev.sluice.domain.port.TransientException;
import dev.sluice.emulators.dynamodb.DynaliteExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@ExtendWith(DynaliteExtension.class)
class DynamoDbCompletionCacheIT extends CompletionCacheContract {
    private static final DynamoDbClient CLIENT = LocalDynamoDb.client();
    private static final String TABLE = LocalDynamoDb.TABLES.cache().name();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Override
    protected CompletionCache cache(MutableClock clock) {
        return new DynamoDbCompletionCache(CLIENT, new DynamoDbCompletionCache.Settings(TABLE), clock);
    }

    private static Completion completion(String text) {
        return new Completion(text, new TokenUsage(10, 5), "gpt-test", "stop", "");
    }

    @Test
    void anExpiredEntryStillInTheTableIsNotReturnedAndCarriesItsTtlForAws() {
        CompletionCache cache = cache(clock);
        String key = "expired-" + System.nanoTime();
        cache.put(key, completion("stale"), Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(31));

        assertThat(cache.get(key)).isEmpty();
        Map<String, AttributeValue> item = CLIENT.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS(key)))
                        .consistentRead(true))
                .item();
        assertThat(item)
                .as("dynalite never expires items: the read filtered it")
                .isNotEmpty();
        long ttl = Long.parseLong(item.get("expiresAt").n());
        assertThat(ttl)
                .isBetween(
                        clock.instant().minusSeconds(1).getEpochSecond(),
                        clock.instant().getEpochSecond());
    }

    @Test
    void aLongAnswerIsKeptCompressedAndComesBackAsAnswered() {
        CompletionCache cache = cache(clock);
        String key = "long-" + System.nanoTime();
        String answer = "Rayleigh scattering sends the short wavelengths of sunlight across the sky [1]. ".repeat(40);
        cache.put(key, completion(answer), Duration.ofHours(1));

        assertThat(cache.get(key))
                .hasValueSatisfying(hit -> assertThat(hit.text()).isEqualTo(answer));
        AttributeValue stored = CLIENT.getItem(b -> b.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS(key)))
                        .consistentRead(true))
                .item()
                .get("text");
        assertThat(stored.b().asByteArray().length).isLessThan(answer.length() / 4);
    }

    @Test
    void anAnswerTooLargeForOneItemIsNotCachedAndDoesNotLeaveAnOlderOne() {
        CompletionCache cache = cache(clock);
        String key = "large-" + System.nanoTime();
        cache.put(key, completion("small"), Duration.ofHours(1));
        cache.put(key, completion("w".repeat(DynamoDbCompletionCache.MAX_ENTRY_BYTES + 1)), Duration.ofHours(1));
        assertThat(cache.get(key)).isEmpty();
    }

    @Test
    void anUnreachableEndpointIsATransientFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (DynamoDbClient unreachable = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build()) {
            CompletionCache cache =
                    new DynamoDbCompletionCache(unreachable, new DynamoDbCompletionCache.Settings(TABLE), clock);
            assertThatThrownBy(() -> cache.get("any"))
                    .isInstanceOf(TransientException.class)
                    .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }
}
