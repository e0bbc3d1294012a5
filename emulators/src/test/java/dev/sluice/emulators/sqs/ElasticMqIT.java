package dev.sluice.emulators.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@ExtendWith(ElasticMqExtension.class)
class ElasticMqIT {

    static SqsClient client(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void theSharedServerAnswersOnLoopbackAndNamesQueuesByItsRealPort(ElasticMq sqs) {
        assertThat(sqs.endpoint().getHost()).isEqualTo("127.0.0.1");
        try (SqsClient client = client(sqs.endpoint())) {
            String url = client.createQueue(b -> b.queueName("emulator-smoke")).queueUrl();
            assertThat(url).startsWith(sqs.endpoint() + "/");
            client.sendMessage(b -> b.queueUrl(url).messageBody("hello"));
            assertThat(client.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("hello");
        }
    }

    @Test
    void theSharedServerIsOnePerJvm(ElasticMq sqs) {
        assertThat(ElasticMq.shared()).isSameAs(sqs);
    }

    @Test
    void aPrivateServerStopsAndFreesItsPort() {
        ElasticMq own = ElasticMq.start();
        int port = own.endpoint().getPort();
        assertThat(port).isNotEqualTo(ElasticMq.shared().endpoint().getPort());
        own.close();
        own.close();
        assertThat(own.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }
}
