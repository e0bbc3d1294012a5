package dev.sluice.infra;

import com.pulumi.Config;
import com.pulumi.deployment.internal.DeploymentInternal;
import dev.sluice.domain.config.HopBudget;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything a stack's config ({@code sluice:*} keys) decides, with the defaults; DEPLOY.md lists the keys. Read once,
 * validated here so that a mistake fails {@code pulumi preview} with the key's name.
 */
record StackSettings(
        String stack,
        Consumers consumers,
        String artifacts,
        String architecture,
        String logLevel,
        int logRetentionDays,
        boolean protect,
        boolean snapStart,
        int keepVersions,
        double expectedLatencySeconds,
        int tokensPerCall,
        int maxReceiveCount,
        Map<FunctionRole, FunctionSettings> functions,
        ApiSettings api,
        VectorStore vectorStore,
        String embedder,
        String bedrockEmbeddingModel,
        Optional<String> embedderApiKeySecret,
        PipelineConfig pipeline,
        Map<String, String> environment,
        boolean environmentSecret,
        Optional<String> secretsKmsKey,
        Alarms alarms,
        int payloadRetentionDays,
        int traceRetentionDays,
        Optional<Fargate> fargate,
        Tracing tracing) {

    /**
     * Where the functions' spans go ({@code sluice:tracing}): {@code off} (the default: no tracer), {@code otlp} to an
     * OTLP/HTTP collector at {@code endpoint}, or {@code xray}: Lambda active tracing with the AWS Distro for
     * OpenTelemetry collector layer ({@code collectorLayerArn}, per region and architecture), which receives the
     * functions' OTLP on localhost and sends it to X-Ray.
     */
    record Tracing(String mode, Optional<String> endpoint, Optional<String> collectorLayerArn) {
        static final Tracing OFF = new Tracing("off", Optional.empty(), Optional.empty());
        /** Where the collector extension listens for OTLP/HTTP inside the execution environment. */
        static final String LOCAL_COLLECTOR = "http://localhost:4318";

        boolean xray() {
            return mode.equals("xray");
        }

        /** The OTLP endpoint the functions export to, if any. */
        Optional<String> exportEndpoint() {
            return switch (mode) {
                case "otlp" -> endpoint;
                case "xray" -> Optional.of(LOCAL_COLLECTOR);
                default -> Optional.empty();
            };
        }

        static Tracing from(Tree t) {
            String mode = t.string("mode").orElse("off");
            Optional<String> endpoint = t.string("endpoint");
            Optional<String> layer = t.string("collectorLayerArn");
            switch (mode) {
                case "off" -> {
                    return OFF;
                }
                case "otlp" -> {
                    if (endpoint.isEmpty() || !endpoint.get().matches("https?://\\S+")) {
                        throw new IllegalArgumentException("sluice:tracing.endpoint: mode otlp needs the collector's"
                                + " OTLP/HTTP base URL, e.g. https://otel.example.com:4318 (got "
                                + endpoint.map(e -> "'" + e + "'").orElse("nothing") + ")");
                    }
                    return new Tracing(mode, endpoint, Optional.empty());
                }
                case "xray" -> {
                    if (layer.isEmpty()
                            || !layer.get().matches("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:layer:[^:]+:\\d+")) {
                        throw new IllegalArgumentException("sluice:tracing.collectorLayerArn: mode xray needs the ARN"
                                + " of the AWS Distro for OpenTelemetry collector layer for the stack's region and"
                                + " architecture, arn:aws:lambda:<region>:<account>:layer:<name>:<version> (got "
                                + layer.map(e -> "'" + e + "'").orElse("nothing") + ")");
                    }
                    return new Tracing(mode, Optional.empty(), layer);
                }
                default ->
                    throw new IllegalArgumentException(
                            "sluice:tracing.mode: must be off, otlp or xray (got '" + mode + "')");
            }
        }
    }

    /** Where {@code ./mvnw -pl bootstrap-lambda -am package} writes the functions' zips and the layers. */
    static final String DEFAULT_ARTIFACTS = "../../bootstrap-lambda/target/lambda";

    private static String artifacts(Config config) {
        if (config.get("artifact").isPresent()) {
            throw new IllegalArgumentException("sluice:artifact: each function now has its own zip; set"
                    + " sluice:artifacts to the directory that holds them (default " + DEFAULT_ARTIFACTS + ")");
        }
        return config.get("artifacts").orElse(DEFAULT_ARTIFACTS);
    }

    /**
     * The layers a function loads besides its own zip: the opt-in parts the stack chose, for the functions that
     * embed and retrieve (the MiniLM embedder with its natives for the stack's architecture, the OpenSearch or the
     * Pinecone client). The dispatcher and the finalizer need none.
     */
    List<String> layers(FunctionRole role) {
        if (role != FunctionRole.PROCESSOR && role != FunctionRole.INGESTOR) {
            return List.of();
        }
        List<String> layers = new ArrayList<>();
        if (embedder.equals("minilm")) {
            layers.add("minilm-" + architecture);
        }
        if (!vectorStore.kind().equals("lucene")) {
            layers.add(vectorStore.kind());
        }
        return List.copyOf(layers);
    }

    /** Published versions {@code prune-versions.sh} keeps besides the live one, unless {@code sluice:keepVersions}. */
    static final int DEFAULT_KEEP_VERSIONS = 3;

    /** What Secrets Manager accepts in a secret name. */
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

    /**
     * A KMS key ARN (a key id or alias cannot be the resource of an IAM grant): partition, region, account, key id
     * (a UUID, or {@code mrk-...} for a multi-Region key).
     */
    private static final Pattern KMS_KEY_ARN =
            Pattern.compile("arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:key/(mrk-)?[A-Za-z0-9-]{32,36}");

    enum Consumers {
        LAMBDA,
        FARGATE
    }

    /**
     * How callers authenticate to the HTTP API: SigV4-signed (IAM) or a bearer token from an OIDC issuer (JWT); and
     * who they are: the JWT claim that names the tenant, IAM roles (or users) mapped to tenants, operator roles.
     */
    record ApiSettings(
            String authorizer,
            Optional<String> jwtIssuer,
            List<String> jwtAudiences,
            double rate,
            int burst,
            String tenantClaim,
            Map<String, String> iamTenants,
            List<String> operatorRoles,
            Map<String, String> eventSources,
            boolean console) {}

    /**
     * @param sigv4 {@code es} (managed domain), {@code aoss} (serverless collection) or empty (plain HTTP)
     * @param opensearchArn the domain or collection ARN the functions are allowed to call
     * @param opensearchCollection the Serverless collection name, for its data access policy
     */
    record VectorStore(
            String kind,
            Optional<String> opensearchEndpoint,
            Optional<String> sigv4,
            Optional<String> opensearchArn,
            Optional<String> opensearchCollection,
            Optional<String> pineconeHost,
            Optional<String> pineconeApiKeySecret) {}

    record Alarms(
            Optional<String> email,
            int queueDepth,
            int oldestMessageSeconds,
            int functionErrors,
            int llmThrottledPercent) {}

    /** The container worker: image, size, scaling bounds and network placement. */
    record Fargate(
            String image,
            int cpu,
            int memory,
            int minTasks,
            int maxTasks,
            int backlogPerTask,
            List<String> subnetIds,
            List<String> securityGroupIds,
            Optional<String> vpcId,
            boolean assignPublicIp) {}

    /**
     * {@code sluice:api.iamTenants} (role or user name to tenant) or {@code sluice:api.eventSources} (EventBridge
     * source to tenant): plain names, without {@code ,} or {@code =}.
     */
    private static Map<String, String> names(Tree api, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!api.has(key)) {
            return out;
        }
        api.get(key).texts().forEach((role, t) -> {
            if (role.isBlank() || t.isBlank() || (role + t).contains(",") || (role + t).contains("=")) {
                throw new IllegalArgumentException(
                        "sluice:api." + key + "." + role + ": names and tenants must be non-empty, without ',' or '='");
            }
            out.put(role, t);
        });
        return out;
    }

    static StackSettings from(Config config, String stack) {
        return from(config, stack, StackSettings::secretInStackConfig);
    }

    /**
     * Whether {@code sluice:<key>} is a secret of the stack's config ({@code pulumi config set --secret}, with or
     * without {@code --path}: Pulumi marks the whole top-level key). Pulumi Java's {@link Config} hands a secret's
     * plain text to {@code get} and has no public question for this; the deployment that holds the config answers
     * it. Empty when it cannot be asked (no deployment, or an SDK without that method).
     */
    static Optional<Boolean> secretInStackConfig(String key) {
        try {
            return DeploymentInternal.getInstanceOptional().map(d -> d.isConfigSecret("sluice:" + key));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** @param secret whether a {@code sluice:} key is a secret of the stack config, empty when unknown */
    static StackSettings from(Config config, String stack, Function<String, Optional<Boolean>> secret) {
        Map<String, String> environment = object(config, "environment").texts();
        // Values marked secret stay secret in the functions' environment (and so in state); unknown counts as secret.
        boolean environmentSecret = secret.apply("environment").orElse(true);
        if (secret.apply("pipeline").orElse(false)) {
            throw new IllegalArgumentException("sluice:pipeline: is marked secret, but the functions read the document"
                    + " from an object in the stack's bucket (config/sluice.yaml), in plain text: keep secret values out of it. Name provider keys"
                    + " with options.apiKeySecret (Secrets Manager); put any other secret value in sluice:environment"
                    + " with --secret and refer to it as ${NAME}. Then store sluice:pipeline without --secret.");
        }
        Optional<String> secretsKmsKey = config.get("secretsKmsKeyArn").map(String::trim);
        if (secretsKmsKey.isPresent()
                && !KMS_KEY_ARN.matcher(secretsKmsKey.get()).matches()) {
            throw new IllegalArgumentException("sluice:secretsKmsKeyArn: must be the ARN of the customer-managed KMS"
                    + " key that encrypts the provider-key secrets, arn:aws:kms:<region>:<account>:key/<key-id>"
                    + " (IAM cannot grant on a key id or an alias); got '" + secretsKmsKey.get() + "'");
        }

        Consumers consumers = switch (config.get("consumers").orElse("lambda")) {
            case "lambda" -> Consumers.LAMBDA;
            case "fargate" -> Consumers.FARGATE;
            default -> throw new IllegalArgumentException("sluice:consumers: must be 'lambda' or 'fargate'");
        };
        String architecture = config.get("architecture").orElse("arm64");
        if (!List.of("arm64", "x86_64").contains(architecture)) {
            throw new IllegalArgumentException("sluice:architecture: must be 'arm64' or 'x86_64'");
        }

        Tree api = object(config, "api");
        String authorizer = api.string("authorizer").orElse("iam");
        if (!List.of("iam", "jwt").contains(authorizer)) {
            throw new IllegalArgumentException("sluice:api.authorizer: must be 'iam' or 'jwt'");
        }
        ApiSettings apiSettings = new ApiSettings(
                authorizer,
                api.string("jwtIssuer"),
                api.strings("jwtAudiences"),
                api.decimal("throttleRate").orElse(50.0),
                api.integer("throttleBurst").orElse(100),
                api.string("tenantClaim").filter(c -> !c.isBlank()).orElse("sub"),
                names(api, "iamTenants"),
                api.strings("operatorRoles"),
                names(api, "eventSources"),
                api.bool("console").orElse(true));
        if (authorizer.equals("jwt")
                && (apiSettings.jwtIssuer().isEmpty()
                        || apiSettings.jwtAudiences().isEmpty())) {
            throw new IllegalArgumentException(
                    "sluice:api: the jwt authorizer needs 'jwtIssuer' (an https URL) and 'jwtAudiences' (a list)");
        }

        String kind = config.get("vectorStore").orElse("lucene");
        Tree functionTree = object(config, "functions");
        Map<FunctionRole, FunctionSettings> functions = new EnumMap<>(FunctionRole.class);
        for (FunctionRole role : FunctionRole.values()) {
            functions.put(role, FunctionSettings.from(role, functionTree, kind));
        }
        boolean snapStart = config.getBoolean("snapStart").orElse(false);
        if (snapStart) {
            snapStartWithoutProvisionedConcurrency(functions);
        }
        int keepVersions = config.getInteger("keepVersions").orElse(DEFAULT_KEEP_VERSIONS);
        if (keepVersions < 0) {
            throw new IllegalArgumentException("sluice:keepVersions: must be 0 or more (published versions that"
                    + " prune-versions.sh keeps besides the one alias 'live' points at), got " + keepVersions);
        }
        Tree os = object(config, "opensearch");
        Tree pc = object(config, "pinecone");
        VectorStore vectorStore = new VectorStore(
                kind,
                os.string("endpoint"),
                os.string("sigv4"),
                os.string("arn"),
                os.string("collection"),
                pc.string("host"),
                pc.string("apiKeySecret"));
        switch (kind) {
            case "lucene" -> {}
            case "opensearch" -> {
                if (vectorStore.opensearchEndpoint().isEmpty()) {
                    throw new IllegalArgumentException(
                            "sluice:opensearch.endpoint: is required for vectorStore opensearch");
                }
                if (vectorStore.sigv4().isPresent()
                        && vectorStore.opensearchArn().isEmpty()) {
                    throw new IllegalArgumentException(
                            "sluice:opensearch.arn: the domain or collection ARN is required with sigv4 (for IAM)");
                }
                if (vectorStore.sigv4().filter("aoss"::equals).isPresent()
                        && vectorStore.opensearchCollection().isEmpty()) {
                    throw new IllegalArgumentException("sluice:opensearch.collection: the collection name is required"
                            + " with sigv4 aoss (for its data access policy)");
                }
            }
            case "pinecone" -> {
                if (vectorStore.pineconeHost().isEmpty()
                        || vectorStore.pineconeApiKeySecret().isEmpty()) {
                    throw new IllegalArgumentException("sluice:pinecone: 'host' and 'apiKeySecret' are required");
                }
            }
            default -> throw new IllegalArgumentException("sluice:vectorStore: must be lucene, opensearch or pinecone");
        }
        String embedder = config.get("embedder").orElse("minilm");
        if (!List.of("minilm", "openai", "bedrock").contains(embedder)) {
            throw new IllegalArgumentException("sluice:embedder: must be minilm, openai or bedrock");
        }
        // The OpenAI embedder reads its key from this secret; the other embedders need none.
        Optional<String> embedderApiKeySecret = Optional.empty();
        if (embedder.equals("openai")) {
            String name = config.get("embedderApiKeySecret").orElse("sluice/openai");
            if (!SECRET_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "sluice:embedderApiKeySecret: not a Secrets Manager secret name: '" + name + "'");
            }
            embedderApiKeySecret = Optional.of(name);
        }

        String logLevel = config.get("logLevel").orElse("INFO");
        int maxReceiveCount = config.getInteger("maxReceiveCount").orElse(Definitions.MAX_RECEIVE_COUNT);
        String bedrockEmbeddingModel = config.get("bedrockEmbeddingModel").orElse("amazon.titan-embed-text-v2:0");
        // Placeholders resolve as at the functions' init: from the environment the program gives them.
        PipelineConfig pipeline = PipelineConfig.parse(
                config.get("pipeline")
                        .orElseThrow(() -> new IllegalArgumentException(
                                "sluice:pipeline: is required (the models/pipelines/indexes document)")),
                SluiceStack.documentEnvironment(
                        environment,
                        SluiceStack.settingsVariables(
                                vectorStore,
                                embedder,
                                embedderApiKeySecret,
                                bedrockEmbeddingModel,
                                maxReceiveCount,
                                apiSettings,
                                logLevel)));

        functions.put(
                FunctionRole.PROCESSOR,
                processorFitting(
                        functions.get(FunctionRole.PROCESSOR),
                        functionTree
                                .get(FunctionRole.PROCESSOR.key())
                                .integer("timeout")
                                .isPresent(),
                        pipeline.hopBudget()));

        Tree alarms = object(config, "alarms");
        Tree retention = object(config, "retention");
        int payloadDays = retention.integer("payloadDays").orElse(Definitions.MIN_PAYLOAD_DAYS);
        if (payloadDays < Definitions.MIN_PAYLOAD_DAYS) {
            throw new IllegalArgumentException("sluice:retention.payloadDays: must be at least "
                    + Definitions.MIN_PAYLOAD_DAYS + " (got " + payloadDays + "): a message may wait "
                    + Definitions.DLQ_RETENTION_SECONDS / 86_400 + " days in its dead-letter queue, and once"
                    + " redriven it must still find its body under payloads/");
        }
        Optional<Fargate> fargate =
                consumers == Consumers.FARGATE ? Optional.of(fargate(object(config, "fargate"))) : Optional.empty();
        if (kind.equals("lucene") && fargate.map(Fargate::maxTasks).orElse(1) > 1) {
            // Every worker task polls the ingest queue, and the embedded index's snapshot takes one writer at a time.
            throw new IllegalArgumentException("sluice:fargate.maxTasks: must be 1 with vectorStore lucene (each task"
                    + " ingests, and the embedded index takes one writer); use opensearch or pinecone to scale out");
        }

        return new StackSettings(
                stack,
                consumers,
                artifacts(config),
                architecture,
                logLevel,
                config.getInteger("logRetentionDays").orElse(30),
                config.getBoolean("protect").orElse(false),
                snapStart,
                keepVersions,
                config.getDouble("expectedLatencySeconds").orElse(6.0),
                config.getInteger("tokensPerCall").orElse(2000),
                maxReceiveCount,
                functions,
                apiSettings,
                vectorStore,
                embedder,
                bedrockEmbeddingModel,
                embedderApiKeySecret,
                pipeline,
                environment,
                environmentSecret,
                secretsKmsKey,
                new Alarms(
                        alarms.string("email"),
                        alarms.integer("queueDepth").orElse(1000),
                        alarms.integer("oldestMessageSeconds").orElse(1800),
                        alarms.integer("functionErrors").orElse(5),
                        alarms.integer("llmThrottledPercent").orElse(20)),
                payloadDays,
                retention.integer("traceDays").orElse(30),
                fargate,
                Tracing.from(object(config, "tracing")));
    }

    /**
     * SnapStart ({@code sluice:snapStart}, all four functions) and provisioned concurrency cannot share a version:
     * Lambda refuses the provisioned concurrency config ("SnapStart does not support provisioned concurrency"), so
     * {@code pulumi up} would fail half-way. Refused here, before anything is created.
     */
    static void snapStartWithoutProvisionedConcurrency(Map<FunctionRole, FunctionSettings> functions) {
        for (FunctionSettings f : functions.values()) {
            if (f.provisionedConcurrency() > 0) {
                throw new IllegalArgumentException("sluice:functions."
                        + f.role().key() + ".provisionedConcurrency: "
                        + f.provisionedConcurrency() + " cannot be combined with sluice:snapStart: true, because AWS"
                        + " Lambda does not support provisioned concurrency on a SnapStart version (and"
                        + " sluice:snapStart applies to every function); choose one: keep sluice:snapStart and remove"
                        + " provisionedConcurrency (faster cold starts everywhere, no standing cost), or set"
                        + " sluice:snapStart to false to keep warm instances");
            }
        }
    }

    private static Fargate fargate(Tree f) {
        String image = f.string("image")
                .orElseThrow(() -> new IllegalArgumentException(
                        "sluice:fargate.image: is required with consumers fargate (the bootstrap-local image)"));
        List<String> subnets = f.strings("subnetIds");
        if (subnets.isEmpty()) {
            throw new IllegalArgumentException("sluice:fargate.subnetIds: at least one subnet is required");
        }
        List<String> groups = f.strings("securityGroupIds");
        Optional<String> vpc = f.string("vpcId");
        if (groups.isEmpty() && vpc.isEmpty()) {
            throw new IllegalArgumentException(
                    "sluice:fargate: give 'securityGroupIds', or 'vpcId' to have an egress-only group created");
        }
        int min = f.integer("minTasks").orElse(1);
        int max = f.integer("maxTasks").orElse(10);
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("sluice:fargate: need 1 <= minTasks <= maxTasks");
        }
        return new Fargate(
                image,
                f.integer("cpu").orElse(1024),
                f.integer("memory").orElse(2048),
                min,
                max,
                f.integer("backlogPerTask").orElse(100),
                subnets,
                groups,
                vpc,
                f.bool("assignPublicIp").orElse(false));
    }

    private static Tree object(Config config, String key) {
        return config.get(key).map(json -> Tree.parse("sluice:" + key, json)).orElse(Tree.empty("sluice:" + key));
    }

    /** The functions this stack deploys: the batcher only when some model of the document has a batch route. */
    List<FunctionRole> roles() {
        return java.util.Arrays.stream(FunctionRole.values())
                .filter(r -> r != FunctionRole.BATCHER || pipeline.batchRoute())
                .toList();
    }

    FunctionSettings function(FunctionRole role) {
        return functions.get(role);
    }

    /**
     * Whether a function is published as versions behind alias {@code live}: SnapStart and provisioned concurrency
     * need a version; any other function runs {@code $LATEST} and publishes nothing (so leaves no versions behind).
     */
    boolean publishes(FunctionRole role) {
        return snapStart || function(role).provisionedConcurrency() > 0;
    }

    /** The functions {@link #publishes} versions of, by name: what {@code prune-versions.sh} prunes. */
    List<String> publishedFunctionNames() {
        return roles().stream()
                .filter(this::publishes)
                .map(r -> prefix() + "-" + r.key())
                .toList();
    }

    /** Names every resource of this stack starts with. */
    String prefix() {
        return "sluice-" + stack;
    }

    /** The processor's MaximumConcurrency: the configured override, else Little's law on the model limits. */
    int processorMaxConcurrency() {
        FunctionSettings p = function(FunctionRole.PROCESSOR);
        return p.maxConcurrency()
                .orElseGet(() -> Concurrency.processor(
                        pipeline.primaryModels(), expectedLatencySeconds, tokensPerCall, p.batchSize()));
    }

    /**
     * Secrets the model clients read at init (every configured model's {@code options.apiKeySecret}): only the
     * processor builds them.
     */
    /** The secrets of the models with a batch route: the batcher's only ones. */
    Set<String> batchSecretNames() {
        Set<String> names = new TreeSet<>();
        pipeline.models().stream()
                .filter(m -> m.batch().isPresent())
                .forEach(m -> m.option("apiKeySecret").ifPresent(names::add));
        return names;
    }

    Set<String> modelSecretNames() {
        return new TreeSet<>(pipeline.secretNames());
    }

    /**
     * Secrets the embedder and the vector store read at init (Pinecone's key, the OpenAI embedder's): whoever embeds
     * or touches the store, the processor and the ingestor.
     */
    Set<String> retrievalSecretNames() {
        Set<String> names = new TreeSet<>();
        vectorStore.pineconeApiKeySecret().ifPresent(names::add);
        embedderApiKeySecret.ifPresent(names::add);
        return names;
    }

    /**
     * The processor's timeout follows from the longest hop the pipeline document allows (its fallback chain in
     * sequence); a timeout set shorter than that is refused, since a hop cut off mid-call is paid again.
     */
    static FunctionSettings processorFitting(FunctionSettings processor, boolean timeoutSet, HopBudget budget) {
        int needed = (int) budget.functionTimeout().toSeconds();
        if (timeoutSet && processor.timeoutSeconds() < needed) {
            throw new IllegalArgumentException("sluice:functions.processor.timeout: " + processor.timeoutSeconds()
                    + " s is shorter than the longest hop may take (" + needed + " s with the margin: "
                    + budget.where() + "); leave it unset or raise it");
        }
        return timeoutSet ? processor : processor.withTimeout(needed);
    }
}
