package dev.sluice.adapter.aws.secrets;

import dev.sluice.adapter.aws.internal.AwsFailures;
import dev.sluice.domain.port.PermanentException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads provider keys from Secrets Manager by name (e.g. {@code sluice/openai}), once each: values are cached for
 * the life of this object, so a Lambda container pays one call per secret at initialisation. Values never appear
 * in messages or logs.
 */
public final class SecretsManagerSecrets {
    private final SecretsManagerClient secrets;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public SecretsManagerSecrets(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /**
     * The secret's string value.
     *
     * @throws PermanentException naming the secret when it does not exist, has no string value, or may not be read
     * @throws dev.sluice.domain.port.TransientException when Secrets Manager cannot be reached
     */
    public String get(String name) {
        // A failed read is not cached: the next call tries again.
        return cache.computeIfAbsent(name, this::fetch);
    }

    private String fetch(String name) {
        GetSecretValueResponse response;
        try {
            response = secrets.getSecretValue(b -> b.secretId(name));
        } catch (ResourceNotFoundException e) {
            throw new PermanentException("secret '" + name + "' does not exist in Secrets Manager", e);
        } catch (SdkException e) {
            throw AwsFailures.classify("read secret '" + name + "'", e);
        }
        if (response.secretString() == null) {
            throw new PermanentException(
                    "secret '" + name + "' has no string value (binary secrets are not used)", null);
        }
        return response.secretString();
    }
}
