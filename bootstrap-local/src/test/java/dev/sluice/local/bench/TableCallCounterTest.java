package dev.sluice.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ClasspathInterceptorChainFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

class TableCallCounterTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private DynamoDbClient ddb;

    @BeforeEach
    void start() throws Exception {
        TableCallCounter.reset();
        // Answers every DynamoDB call with an empty result, and keeps what it was sent.
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        ddb = DynamoDbClient.builder()
                .endpointOverride(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stop() {
        TableCallCounter.reset();
        ddb.close();
        server.stop(0);
    }

    @Test
    void theSdkLoadsItAsAGlobalInterceptor() {
        assertThat(new ClasspathInterceptorChainFactory().getGlobalInterceptors())
                .anyMatch(i -> i instanceof TableCallCounter);
    }

    @Test
    void countsNothingUntilTurnedOn() {
        call();
        assertThat(TableCallCounter.calls()).isEmpty();
        assertThat(TableCallCounter.attempts()).isEmpty();
    }

    @Test
    void countsTheCallsThatNameTheTableByOperation() {
        TableCallCounter.count("limits");
        call();
        assertThat(TableCallCounter.calls())
                .isEqualTo(Map.of("UpdateItem", 2L, "GetItem", 1L, "TransactWriteItems", 1L));
        assertThat(TableCallCounter.attempts()).isEqualTo(TableCallCounter.calls());

        TableCallCounter.stop();
        call();
        assertThat(TableCallCounter.calls().get("UpdateItem")).isEqualTo(2L);
    }

    @Test
    void leavesTheRequestsAsTheyWere() {
        call();
        List<String> off = List.copyOf(bodies);
        bodies.clear();
        TableCallCounter.count("limits");
        call();
        assertThat(bodies).isEqualTo(off);
    }

    /** Two updates and a read of "limits", one of "jobs", a transaction naming "limits" and a query of "jobs". */
    private void call() {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("gpt-4o-mini"));
        ddb.updateItem(r -> r.tableName("limits").key(key).updateExpression("SET clock = :c"));
        ddb.updateItem(r -> r.tableName("limits").key(key).updateExpression("SET scale = :s"));
        ddb.getItem(r -> r.tableName("limits").key(key));
        ddb.getItem(r -> r.tableName("jobs").key(key));
        ddb.transactWriteItems(r -> r.clientRequestToken("same")
                .transactItems(TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName("limits")
                                .key(key)
                                .updateExpression("SET clock = :c")
                                .build())
                        .build()));
        ddb.query(r -> r.tableName("jobs").keyConditionExpression("pk = :p"));
    }
}
