package dev.sluice.bootstrap.shared;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Provider keys from environment variables, for local runs ({@code SLUICE_SECRETS=env}; deployed stacks read Secrets
 * Manager and refuse these variables). A secret is read from, in turn:
 *
 * <ol>
 *   <li>{@code SLUICE_SECRET_<NAME>}: its whole name upper-cased, every other character than a letter or digit an
 *       underscore ({@code sluice/openai}: {@code SLUICE_SECRET_SLUICE_OPENAI}; the local runtime points the bundled
 *       models at its simulator this way);
 *   <li>{@code <LAST>_API_KEY}: the provider's own variable, named by the last {@code /}-separated segment of the
 *       secret's name, the convention of the bundled configuration and the deployment guide ({@code sluice/openai}:
 *       {@code OPENAI_API_KEY}, {@code sluice/anthropic}: {@code ANTHROPIC_API_KEY}, {@code sluice/pinecone}:
 *       {@code PINECONE_API_KEY}).
 * </ol>
 */
public final class EnvironmentSecrets implements Secrets {
    private final Map<String, String> variables;

    /** @param variables the environment's {@code SLUICE_SECRET_*} and {@code *_API_KEY} variables ({@link Settings}) */
    public EnvironmentSecrets(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    @Override
    public Optional<String> value(String name) {
        return Optional.ofNullable(variables.get(explicitVariable(name)))
                .or(() -> Optional.ofNullable(variables.get(providerVariable(name))));
    }

    /** {@code sluice/openai}: {@code SLUICE_SECRET_SLUICE_OPENAI}. */
    static String explicitVariable(String name) {
        return Settings.SecretSource.EXPLICIT_PREFIX + sanitized(name);
    }

    /** {@code sluice/openai}: {@code OPENAI_API_KEY}. */
    static String providerVariable(String name) {
        return sanitized(name.substring(name.lastIndexOf('/') + 1)) + Settings.SecretSource.PROVIDER_SUFFIX;
    }

    private static String sanitized(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
