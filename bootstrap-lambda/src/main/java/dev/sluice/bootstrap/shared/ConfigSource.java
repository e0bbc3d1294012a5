package dev.sluice.bootstrap.shared;

import dev.sluice.domain.config.ConfigException;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.Placeholders;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the models/pipelines/indexes YAML: from an object in the stack's bucket when one is named (deployed stacks,
 * {@code SLUICE_CONFIG_OBJECT}), from a file when one is named (local runs), otherwise the bundled
 * {@code sluice.yaml}. Read once, at init.
 *
 * <p>The bucket rather than SSM Parameter Store: every function already holds the S3 client (the claim check), so the
 * document costs no SDK module of its own (SSM's alone was 6 MB of each function's artifact), and an object has no
 * 8 KB ceiling on a document with many pipelines.
 */
public final class ConfigSource {
    private ConfigSource() {}

    public static SluiceConfig load(Settings settings, Function<String, Optional<BlobStore.Blob>> objects) {
        if (settings.configObject().isPresent()) {
            String key = settings.configObject().get();
            String source = "s3://" + settings.bucket() + "/" + key;
            BlobStore.Blob blob = objects.apply(key)
                    .orElseThrow(() -> new IllegalStateException(
                            "the configuration document " + source + " does not exist (pulumi up writes it)"));
            return parse(new String(blob.content(), StandardCharsets.UTF_8), source, settings.variables());
        }
        if (settings.configFile().isPresent()) {
            Path path = Path.of(settings.configFile().get());
            try {
                return parse(Files.readString(path), path.toString(), settings.variables());
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read the configuration file " + path + ": " + e.getMessage(), e);
            }
        }
        return bundled(settings.variables());
    }

    /** The bundled document, its placeholders resolved against the process environment as of now. */
    public static SluiceConfig bundled() {
        return bundled(Settings.Variables.fromEnvironment());
    }

    private static SluiceConfig bundled(Settings.Variables variables) {
        try (InputStream in = ConfigSource.class.getResourceAsStream("/sluice.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the bundled sluice.yaml is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled sluice.yaml", variables);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled sluice.yaml", e);
        }
    }

    /**
     * Replaces {@code ${NAME}} and {@code ${NAME:-default}} with environment values ({@link Placeholders}, the rule
     * the Pulumi program resolves the stack's document with), so one YAML serves every stack and the local runtime
     * (which points providers at the simulator this way).
     *
     * @throws IllegalStateException naming the source and the placeholder when a name is not set and has no default
     */
    static String substitute(String yaml, String source) {
        return substitute(yaml, source, Settings.Variables.fromEnvironment());
    }

    private static String substitute(String yaml, String source, Settings.Variables variables) {
        try {
            return Placeholders.resolve(yaml, variables::get, source);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Parses {@code yaml}, its placeholders resolved against the process environment as of now.
     *
     * @throws IllegalStateException naming the source and the offending field
     */
    public static SluiceConfig parse(String yaml, String source) {
        return parse(yaml, source, Settings.Variables.fromEnvironment());
    }

    private static SluiceConfig parse(String yaml, String source, Settings.Variables variables) {
        String resolved = substitute(yaml, source, variables);
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(resolved);
        } catch (RuntimeException e) {
            throw new IllegalStateException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IllegalStateException(source + " must be a YAML mapping with models, pipelines and indexes");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> root = (Map<String, ?>) map;
            return ConfigParser.parse(root);
        } catch (ConfigException e) {
            throw new IllegalStateException("invalid configuration in " + source + ": " + e.getMessage(), e);
        }
    }
}
