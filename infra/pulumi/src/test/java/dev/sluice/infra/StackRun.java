package dev.sluice.infra;

import com.google.gson.Gson;
import com.google.protobuf.Value;
import com.pulumi.Log;
import com.pulumi.resources.Resource;
import com.pulumi.test.Mocks;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import com.pulumi.test.internal.MockMonitor;
import com.pulumi.test.internal.PulumiTestInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.yaml.snakeyaml.Yaml;
import pulumirpc.Resource.RegisterResourceRequest;
import pulumirpc.Resource.RegisterResourceResponse;

/**
 * Runs {@link SluiceStack#define} against Pulumi's mock engine with the config of a committed stack file
 * ({@code Pulumi.<stack>.yaml}), optionally changed, and keeps what the program asked the engine to create.
 *
 * <p>The public {@code PulumiTest.withMocks(..)} API offers no way to pass stack config; its own builder
 * ({@code PulumiTestInternal}) is the same entry point with config added, so the program reads config exactly as under
 * the CLI (which hands structured values over as JSON strings, as done here).
 */
final class StackRun {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "eu-west-1";

    /**
     * One resource registration: its type token, logical name and the inputs the program gave it.
     *
     * @param inputs the values as the provider would see them, secrets unwrapped
     * @param secretInputs the top-level inputs that reached the engine as secrets (or holding one), which state keeps
     *     encrypted
     */
    record Created(String type, String name, Map<String, Object> inputs, Set<String> secretInputs) {
        /** Whether the input {@code key} is (or holds) a Pulumi secret. */
        boolean secret(String key) {
            return secretInputs.contains(key);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String key) {
            return (Map<String, Object>) inputs.get(key);
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String key) {
            return (List<Object>) inputs.get(key);
        }

        int integer(String key) {
            return ((Number) inputs.get(key)).intValue();
        }

        String string(String key) {
            return (String) inputs.get(key);
        }
    }

    private static final Map<String, StackRun> CACHE = new ConcurrentHashMap<>();

    /** What the build writes to {@code bootstrap-lambda/target/lambda}: a zip per function and the layers. */
    static final List<String> ZIPS = List.of(
            "dispatcher",
            "processor",
            "finalizer",
            "ingestor",
            "batcher",
            "layer-minilm-arm64",
            "layer-minilm-x86_64",
            "layer-opensearch",
            "layer-pinecone");

    /** The artifacts every run deploys unless a test names others: small zips, each with its own content. */
    static final Path ARTIFACTS = artifacts("build-1", "build 1");

    /** A directory under {@code target/test-artifacts/} with every zip of {@link #ZIPS}, each holding its name. */
    static Path artifacts(String directory, String build) {
        for (String name : ZIPS) {
            zip(directory + "/sluice-" + name + ".zip", build + " of " + name);
        }
        return Path.of("target", "test-artifacts", directory).toAbsolutePath();
    }

    /** A small zip under {@code target/test-artifacts/} whose one entry holds {@code content}. */
    static Path zip(String name, String content) {
        try {
            Path file = Path.of("target", "test-artifacts").resolve(name);
            Files.createDirectories(file.getParent());
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
                ZipEntry entry = new ZipEntry("build.txt");
                entry.setTime(0);
                out.putNextEntry(entry);
                out.write(content.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test artifact " + name, e);
        }
    }

    final String stack;
    final Map<String, String> config;
    final List<Created> created;
    final Map<String, Object> outputs;

    /** What the program read from the stack's config, read again in the same run with the same config. */
    final StackSettings settings;

    private StackRun(
            String stack,
            Map<String, String> config,
            List<Created> created,
            Map<String, Object> outputs,
            StackSettings settings) {
        this.stack = stack;
        this.config = config;
        this.created = created;
        this.outputs = outputs;
        this.settings = settings;
    }

    static StackRun of(String stack) {
        return of(stack, Map.of());
    }

    /** @param overrides stack-config keys ({@code sluice:consumers}) to raw values (objects as JSON) */
    static StackRun of(String stack, Map<String, String> overrides) {
        return of(stack, overrides, Set.of());
    }

    /**
     * @param secretKeys the config keys stored as secrets ({@code pulumi config set --secret}); the engine hands
     *     their plain text to the program and tells it which they are, as the CLI does
     */
    static synchronized StackRun of(String stack, Map<String, String> overrides, Set<String> secretKeys) {
        String key = stack + new java.util.TreeMap<>(overrides) + new java.util.TreeSet<>(secretKeys);
        StackRun cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        Map<String, String> config = new LinkedHashMap<>(stackConfig(stack));
        // The real zip (~200 MB) need not be built for these tests: a small one stands in, hashed the same way.
        config.put("sluice:artifacts", ARTIFACTS.toString());
        config.putAll(overrides);
        StackRun run = run(stack, config, secretKeys);
        CACHE.put(key, run);
        return run;
    }

    static Map<String, String> stackConfig(String stack) {
        try {
            Map<String, Object> file = new Yaml().load(Files.readString(Path.of("Pulumi." + stack + ".yaml")));
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) file.get("config");
            Map<String, String> out = new LinkedHashMap<>();
            config.forEach((k, v) -> out.put(
                    k, v instanceof Map<?, ?> || v instanceof List<?> ? new Gson().toJson(v) : String.valueOf(v)));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Pulumi." + stack + ".yaml", e);
        }
    }

    /** The value the engine's wire format puts under this key to mark a secret. */
    private static final String SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

    private static final String SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

    /**
     * The mock monitor, noting which inputs of each registration arrive wrapped as secrets: {@link Mocks} only sees
     * them unwrapped.
     */
    private static final class SecretsSeen extends MockMonitor {
        final Map<String, Set<String>> byResource = new ConcurrentHashMap<>();

        SecretsSeen(Mocks mocks) {
            super(mocks, Log.ignore());
        }

        @Override
        public CompletableFuture<RegisterResourceResponse> registerResourceAsync(
                Resource resource, RegisterResourceRequest request) {
            Set<String> secret = new java.util.TreeSet<>();
            request.getObject().getFieldsMap().forEach((k, v) -> {
                if (holdsSecret(v)) {
                    secret.add(k);
                }
            });
            byResource.put(request.getType() + " " + request.getName(), Set.copyOf(secret));
            return super.registerResourceAsync(resource, request);
        }

        private static boolean holdsSecret(Value v) {
            return switch (v.getKindCase()) {
                case STRUCT_VALUE -> {
                    Map<String, Value> fields = v.getStructValue().getFieldsMap();
                    Value sig = fields.get(SECRET_SIG_KEY);
                    yield (sig != null && SECRET_SIG.equals(sig.getStringValue()))
                            || fields.values().stream().anyMatch(SecretsSeen::holdsSecret);
                }
                case LIST_VALUE -> v.getListValue().getValuesList().stream().anyMatch(SecretsSeen::holdsSecret);
                default -> false;
            };
        }
    }

    private static StackRun run(String stack, Map<String, String> config, Set<String> secretKeys) {
        List<Created> created = Collections.synchronizedList(new ArrayList<>());
        Mocks mocks = new Mocks() {
            @Override
            public CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
                created.add(new Created(args.type, args.name, args.inputs, Set.of()));
                return CompletableFuture.completedFuture(
                        ResourceResult.of(Optional.of(args.name + "-id"), state(args)));
            }

            @Override
            public CompletableFuture<Map<String, Object>> callAsync(CallArgs args) {
                return CompletableFuture.completedFuture(
                        switch (args.token) {
                            case "aws:index/getCallerIdentity:getCallerIdentity" ->
                                Map.of(
                                        "accountId",
                                        ACCOUNT,
                                        "arn",
                                        "arn:aws:iam::" + ACCOUNT + ":user/deployer",
                                        "userId",
                                        "AIDA",
                                        "id",
                                        ACCOUNT);
                            case "aws:index/getRegion:getRegion" ->
                                Map.of(
                                        "name",
                                        REGION,
                                        "id",
                                        REGION,
                                        "description",
                                        "Europe (Ireland)",
                                        "endpoint",
                                        "ec2." + REGION + ".amazonaws.com");
                            default -> throw new IllegalArgumentException("unexpected invoke " + args.token);
                        });
            }
        };
        SecretsSeen monitor = new SecretsSeen(mocks);
        java.util.concurrent.atomic.AtomicReference<StackSettings> settings =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            TestResult result = PulumiTestInternal.builder()
                    .options(TestOptions.builder()
                            .projectName("sluice")
                            .stackName(stack)
                            .preview(false)
                            .build())
                    .mocks(mocks)
                    .monitorDecorator(unused -> monitor)
                    .config(config, secretKeys)
                    .build()
                    .runTest(ctx -> {
                        SluiceStack.define(ctx);
                        settings.set(StackSettings.from(ctx.config("sluice"), ctx.stackName()));
                    });
            if (!result.exceptions().isEmpty() || !result.errors().isEmpty()) {
                IllegalStateException failure = new IllegalStateException(
                        "stack " + stack + " failed: " + result.errors() + " " + result.exceptions());
                result.exceptions().forEach(failure::addSuppressed);
                throw failure;
            }
            Map<String, Object> outputs = new LinkedHashMap<>();
            result.outputs().forEach((k, v) -> outputs.put(k, PulumiTest.extractValue(v)));
            List<Created> withSecrets = created.stream()
                    .map(c -> new Created(
                            c.type(),
                            c.name(),
                            c.inputs(),
                            monitor.byResource.getOrDefault(c.type() + " " + c.name(), Set.of())))
                    .toList();
            return new StackRun(stack, config, withSecrets, outputs, settings.get());
        } finally {
            PulumiTest.cleanup();
        }
    }

    /** What the mocked provider answers: the inputs, plus the computed attributes the program reads. */
    private static Map<String, Object> state(Mocks.ResourceArgs args) {
        Map<String, Object> state = new HashMap<>(args.inputs);
        String name = String.valueOf(args.inputs.getOrDefault("name", args.name));
        String service = args.type.substring(4, args.type.indexOf('/'));
        state.putIfAbsent("name", name);
        state.put("arn", "arn:aws:" + service + ":" + REGION + ":" + ACCOUNT + ":" + name);
        switch (args.type) {
            case "aws:sqs/queue:Queue" -> {
                state.put("url", "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + name);
                state.put("arn", "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + name);
            }
            case "aws:s3/bucketV2:BucketV2" -> {
                state.put("bucket", args.name + "-a1b2c3d");
                state.put("arn", "arn:aws:s3:::" + args.name + "-a1b2c3d");
            }
            case "aws:lambda/function:Function" -> {
                state.put("arn", "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name);
                state.put(
                        "invokeArn",
                        "arn:aws:apigateway:" + REGION + ":lambda:path/functions/" + name + "/invocations");
                // As Lambda answers: the version just published, or $LATEST when nothing is published.
                state.put("version", Boolean.TRUE.equals(args.inputs.get("publish")) ? "1" : "$LATEST");
            }
            case "aws:lambda/alias:Alias" -> {
                state.put(
                        "arn",
                        "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + args.inputs.get("functionName")
                                + ":" + name);
                state.put(
                        "invokeArn",
                        "arn:aws:apigateway:" + REGION + ":lambda:path/functions/alias-" + name + "/invocations");
            }
            case "aws:lambda/layerVersion:LayerVersion" ->
                state.put(
                        "arn",
                        "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":layer:" + args.inputs.get("layerName") + ":1");
            case "aws:cloudwatch/logGroup:LogGroup" ->
                state.put("arn", "arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:" + name);
            case "aws:dynamodb/table:Table" ->
                state.put("arn", "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + name);
            case "aws:cloudwatch/eventBus:EventBus" ->
                state.put("arn", "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + name);
            case "aws:apigatewayv2/api:Api" ->
                state.put("executionArn", "arn:aws:execute-api:" + REGION + ":" + ACCOUNT + ":abc123");
            case "aws:apigatewayv2/stage:Stage" ->
                state.put("invokeUrl", "https://abc123.execute-api." + REGION + ".amazonaws.com/");
            default -> {}
        }
        return state;
    }

    List<Created> all(String type) {
        return created.stream().filter(c -> c.type().equals(type)).toList();
    }

    Optional<Created> find(String type, String name) {
        return created.stream()
                .filter(c -> c.type().equals(type) && c.name().equals(name))
                .findFirst();
    }

    Created one(String type, String name) {
        return find(type, name)
                .orElseThrow(() -> new AssertionError("no " + type + " named " + name + " in stack " + stack + "; have "
                        + all(type).stream().map(Created::name).toList()));
    }

    String prefix() {
        return "sluice-" + stack;
    }
}
