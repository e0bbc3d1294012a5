package dev.sluice.adapter.aws.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.AwsJsonFake;
import dev.sluice.adapter.aws.AwsJsonFake.Response;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsManagerSecretsIT {
    private static final String GET = "secretsmanager.GetSecretValue";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AwsJsonFake aws;
    private SecretsManagerClient client;
    private SecretsManagerSecrets secrets;

    @BeforeEach
    void start() {
        aws = new AwsJsonFake();
        client = AwsClients.secretsManager(AwsClientSettings.local(aws.endpoint(), "test", "test"));
        secrets = new SecretsManagerSecrets(client);
    }

    @AfterEach
    void stop() {
        client.close();
        aws.close();
    }

    private static String secretId(AwsJsonFake.Request request) {
        try {
            return JSON.readTree(request.body()).path("SecretId").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void serve(String name, String value) {
        aws.answer(
                GET,
                r -> secretId(r).equals(name)
                        ? Response.ok(
                                "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:" + name
                                        + "-AbCdEf\",\"Name\":\"" + name + "\",\"SecretString\":\"" + value
                                        + "\",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1767225600}")
                        : Response.error(
                                400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    }

    @Test
    void readsASecretByNameWithTheGetSecretValueAction() throws Exception {
        serve("sluice/openai", "sk-test-123");

        assertThat(secrets.get("sluice/openai")).isEqualTo("sk-test-123");

        AwsJsonFake.Request request = aws.requests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.target()).isEqualTo(GET);
        assertThat(request.contentType()).startsWith("application/x-amz-json-1.1");
        assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256").contains("/secretsmanager/aws4_request");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("SecretId").asText()).isEqualTo("sluice/openai");
    }

    @Test
    void readsEachSecretOnceAndServesItFromMemoryAfterwards() {
        serve("sluice/openai", "sk-test-123");

        secrets.get("sluice/openai");
        secrets.get("sluice/openai");
        secrets.get("sluice/openai");

        assertThat(aws.requests()).hasSize(1);
    }

    @Test
    void aMissingSecretIsPermanentAndNamesIt() {
        serve("sluice/openai", "sk-test-123");

        assertThatThrownBy(() -> secrets.get("sluice/anthropic"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("'sluice/anthropic'")
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnavailableServiceIsTransientAndTheNextCallTriesAgain() {
        aws.answer(GET, r -> Response.error(503, "ServiceUnavailableException", "try later"));
        assertThatThrownBy(() -> secrets.get("sluice/openai")).isInstanceOf(TransientException.class);

        serve("sluice/openai", "sk-after-outage");
        assertThat(secrets.get("sluice/openai")).isEqualTo("sk-after-outage");
    }

    @Test
    void aSecretWithoutAStringValueIsPermanent() {
        aws.answer(GET, r -> Response.ok("{\"Name\":\"sluice/blob\",\"SecretBinary\":\"AAEC\",\"VersionId\":\"v1\"}"));

        assertThatThrownBy(() -> secrets.get("sluice/blob"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("'sluice/blob'")
                .hasMessageNotContaining("AAEC");
    }
}
