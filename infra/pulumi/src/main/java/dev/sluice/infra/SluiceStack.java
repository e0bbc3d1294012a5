package dev.sluice.infra;

import com.pulumi.Context;
import com.pulumi.aws.AwsFunctions;
import com.pulumi.aws.outputs.GetCallerIdentityResult;
import com.pulumi.aws.outputs.GetRegionResult;
import com.pulumi.aws.sqs.Queue;
import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The whole sluice deployment for one stack; {@link #define} is what {@code pulumi up} runs. */
public final class SluiceStack {
    /** Environment variable names of the runtime contract; {@code sluice:environment} may not redefine them. */
    static final Set<String> CONTRACT_VARIABLES = Set.of(
            "SLUICE_WORK_QUEUE_URL",
            "SLUICE_TENANT_CLAIM",
            "SLUICE_IAM_TENANTS",
            "SLUICE_OPERATOR_ROLES",
            "SLUICE_EVENT_SOURCES",
            "SLUICE_FINALIZE_QUEUE_URL",
            "SLUICE_INGEST_QUEUE_URL",
            "SLUICE_JOBS_TABLE",
            "SLUICE_CACHE_TABLE",
            "SLUICE_LIMITS_TABLE",
            "SLUICE_BUCKET",
            "SLUICE_EVENT_BUS",
            "SLUICE_CONFIG_OBJECT",
            "SLUICE_CONFIG_VERSION",
            "SLUICE_VECTOR_STORE",
            "SLUICE_OPENSEARCH_ENDPOINT",
            "SLUICE_OPENSEARCH_SIGV4",
            "SLUICE_PINECONE_HOST",
            "SLUICE_PINECONE_API_KEY_SECRET",
            "SLUICE_EMBEDDER",
            "SLUICE_EMBEDDER_API_KEY_SECRET",
            "SLUICE_MAX_RECEIVE_COUNT",
            "POWERTOOLS_SERVICE_NAME",
            "POWERTOOLS_METRICS_NAMESPACE",
            "POWERTOOLS_LOG_LEVEL");

    private SluiceStack() {}

    public static void define(Context ctx) {
        StackSettings s = StackSettings.from(ctx.config("sluice"), ctx.stackName());
        Output<String> account = AwsFunctions.getCallerIdentity().applyValue(GetCallerIdentityResult::accountId);
        Output<String> region = AwsFunctions.getRegion().applyValue(GetRegionResult::name);

        DataPlane data = DataPlane.create(s);
        Queue eventsDlq = Events.deadLetterQueue(s);
        Permissions permissions = new Permissions(
                s, data, account, region, eventsDlq.arn(), BedrockBatchRole.create(s, data, account, region));
        Map<String, Output<String>> environment = environment(s, data);

        Map<FunctionRole, Functions.Deployed> functions = Functions.create(s, permissions, environment);
        Output<String> apiUrl = HttpApi.create(s, functions.get(FunctionRole.DISPATCHER));
        Events.create(s, data, functions.get(FunctionRole.DISPATCHER), eventsDlq);
        if (functions.containsKey(FunctionRole.BATCHER)) {
            BatchSchedule.create(s, functions.get(FunctionRole.BATCHER));
        }

        List<String> consumers = new ArrayList<>();
        consumers.add(s.prefix() + "-" + FunctionRole.PROCESSOR.key());
        List<Output<String>> searchers =
                List.of(functions.get(FunctionRole.PROCESSOR).roleArn());
        // The worker runs the ingestor's consumer too, so it indexes (and searches).
        List<Output<String>> indexers =
                new ArrayList<>(List.of(functions.get(FunctionRole.INGESTOR).roleArn()));
        s.fargate().ifPresent(f -> {
            indexers.add(
                    FargateWorker.create(s, f, permissions, environment, region).taskRoleArn());
            consumers.add(FargateWorker.serviceName(s));
        });
        OpenSearchAccess.create(s, searchers, indexers);
        var topic = Monitoring.create(s, consumers, region);

        ctx.export("apiUrl", apiUrl);
        ctx.export("eventBus", data.bus().name());
        ctx.export("bucket", data.bucket().bucket());
        ctx.export("configObject", data.bucket().bucket().applyValue(b -> "s3://" + b + "/" + DataPlane.CONFIG_KEY));
        ctx.export("alarmTopic", topic.arn());
        ctx.export("dashboard", Output.of(s.prefix()));
        ctx.export("processorMaxConcurrency", Output.of(s.processorMaxConcurrency()));
        ctx.export("consumers", Output.of(s.consumers().name().toLowerCase()));
        // Read by prune-versions.sh: whose old versions to delete, and how many besides the live one to keep.
        ctx.export("publishedFunctions", Output.of(s.publishedFunctionNames()));
        ctx.export("keepVersions", Output.of(s.keepVersions()));
        List<Output<String>> queueUrls = new ArrayList<>();
        data.queues().values().forEach(q -> {
            queueUrls.add(q.queue().url());
            queueUrls.add(q.dlq().url());
        });
        queueUrls.add(eventsDlq.url());
        ctx.export("queueUrls", Output.all(queueUrls));
        Map<String, Output<String>> tables = new LinkedHashMap<>();
        data.tables().forEach((name, table) -> tables.put(name, table.name()));
        ctx.export("tables", Outputs.map(tables));
    }

    /** Variables whose values come from what the program creates: unknown until {@code pulumi up} creates it. */
    private static final Map<String, Function<DataPlane, Output<String>>> RESOURCE_VARIABLES = new LinkedHashMap<>();

    static {
        RESOURCE_VARIABLES.put("SLUICE_WORK_QUEUE_URL", d -> d.queueUrl("work"));
        RESOURCE_VARIABLES.put("SLUICE_FINALIZE_QUEUE_URL", d -> d.queueUrl("finalize"));
        RESOURCE_VARIABLES.put("SLUICE_INGEST_QUEUE_URL", d -> d.queueUrl("ingest"));
        RESOURCE_VARIABLES.put("SLUICE_JOBS_TABLE", d -> d.tables().get("jobs").name());
        RESOURCE_VARIABLES.put(
                "SLUICE_CACHE_TABLE", d -> d.tables().get("cache").name());
        RESOURCE_VARIABLES.put(
                "SLUICE_LIMITS_TABLE", d -> d.tables().get("limits").name());
        RESOURCE_VARIABLES.put("SLUICE_BUCKET", d -> d.bucket().bucket());
        RESOURCE_VARIABLES.put("SLUICE_EVENT_BUS", d -> d.bus().name());
        RESOURCE_VARIABLES.put("SLUICE_CONFIG_OBJECT", d -> Output.of(DataPlane.CONFIG_KEY));
    }

    /** Set per function (its name), or from the document itself: no one value a document could be resolved with. */
    private static final Set<String> PER_FUNCTION_VARIABLES =
            Set.of("POWERTOOLS_SERVICE_NAME", "SLUICE_CONFIG_VERSION");

    /** The runtime contract's variables, shared by every function and the container worker. */
    static Map<String, Output<String>> environment(StackSettings s, DataPlane data) {
        Map<String, Output<String>> env = new LinkedHashMap<>();
        RESOURCE_VARIABLES.forEach((k, value) -> env.put(k, value.apply(data)));
        // Functions read the document once at init: a new version in the environment makes Lambda (and ECS)
        // replace warm execution environments, so a config change takes effect on `pulumi up`, not hours later.
        env.put("SLUICE_CONFIG_VERSION", Output.of(s.pipeline().version()));
        s.tracing().exportEndpoint().ifPresent(url -> env.put("OTEL_EXPORTER_OTLP_ENDPOINT", Output.of(url)));
        settingsVariables(
                        s.vectorStore(),
                        s.embedder(),
                        s.embedderApiKeySecret(),
                        s.bedrockEmbeddingModel(),
                        s.maxReceiveCount(),
                        s.api(),
                        s.logLevel())
                .forEach((k, v) -> env.put(k, Output.of(v)));
        s.environment().forEach((k, v) -> {
            if (k.equals("SLUICE_SECRETS") || k.startsWith("SLUICE_SECRET_") || k.endsWith("_API_KEY")) {
                // SLUICE_SECRETS=env makes the runtime take keys from these variables: plain text in the function's
                // configuration for anyone who may read it. A deployed function reads them from Secrets Manager.
                throw new IllegalArgumentException("sluice:environment." + k
                        + ": provider keys are not environment variables in AWS; store the key in Secrets Manager"
                        + " and name the secret in options.apiKeySecret (models), sluice:pinecone.apiKeySecret or"
                        + " sluice:embedderApiKeySecret");
            }
            if (k.equals("SLUICE_TRUST_TENANT_HEADER")) {
                throw new IllegalArgumentException("sluice:environment." + k
                        + ": a deployed API takes the tenant from its authorizer only (set sluice:api.tenantClaim or"
                        + " sluice:api.iamTenants)");
            }
            if (CONTRACT_VARIABLES.contains(k) || k.equals("JAVA_TOOL_OPTIONS")) {
                throw new IllegalArgumentException("sluice:environment." + k + ": set by the program, not by config");
            }
            if (k.equals("SLUICE_EMBEDDER_MODEL") && s.embedder().equals("bedrock")) {
                throw new IllegalArgumentException(
                        "sluice:environment." + k + ": with the bedrock embedder, set sluice:bedrockEmbeddingModel");
            }
            // A secret stack value stays a secret: Pulumi encrypts it, and everything built from it, in state.
            env.put(k, s.environmentSecret() ? Output.ofSecret(v) : Output.of(v));
        });
        return env;
    }

    /**
     * The variables whose values follow from the stack's settings alone, so the program knows them before anything
     * is deployed (and a document's placeholders may use them).
     */
    static Map<String, String> settingsVariables(
            StackSettings.VectorStore vectorStore,
            String embedder,
            Optional<String> embedderApiKeySecret,
            String bedrockEmbeddingModel,
            int maxReceiveCount,
            StackSettings.ApiSettings api,
            String logLevel) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLUICE_VECTOR_STORE", vectorStore.kind());
        vectorStore.opensearchEndpoint().ifPresent(e -> env.put("SLUICE_OPENSEARCH_ENDPOINT", e));
        if (vectorStore.kind().equals("opensearch")) {
            env.put("SLUICE_OPENSEARCH_SIGV4", vectorStore.sigv4().orElse(""));
        }
        vectorStore.pineconeHost().ifPresent(h -> env.put("SLUICE_PINECONE_HOST", h));
        vectorStore.pineconeApiKeySecret().ifPresent(k -> env.put("SLUICE_PINECONE_API_KEY_SECRET", k));
        env.put("SLUICE_EMBEDDER", embedder);
        embedderApiKeySecret.ifPresent(k -> env.put("SLUICE_EMBEDDER_API_KEY_SECRET", k));
        if (embedder.equals("bedrock")) {
            // The model IAM lets the functions invoke must be the one they call.
            env.put("SLUICE_EMBEDDER_MODEL", bedrockEmbeddingModel);
        }
        env.put("SLUICE_MAX_RECEIVE_COUNT", String.valueOf(maxReceiveCount));
        env.put("SLUICE_TENANT_CLAIM", api.tenantClaim());
        env.put("SLUICE_IAM_TENANTS", pairs(api.iamTenants()));
        env.put("SLUICE_OPERATOR_ROLES", String.join(",", api.operatorRoles()));
        env.put("SLUICE_EVENT_SOURCES", pairs(api.eventSources()));
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Sluice");
        env.put("POWERTOOLS_LOG_LEVEL", logLevel);
        // Cold start: C1 only. sluice's functions wait on I/O; full JIT warm-up costs more than it returns.
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        return env;
    }

    /** {@code name=tenant,name=tenant}, as the runtime reads such a mapping. */
    private static String pairs(Map<String, String> names) {
        return String.join(
                ",",
                names.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
    }

    /**
     * What a placeholder of the document resolves to in the functions' environment, as far as the program can know
     * it: {@code sluice:environment} (set last, so it wins where the program allows it at all), else the variables
     * that follow from the settings. A name only known once deployed, per function, or set by the Lambda or ECS
     * runtime is refused: the program cannot resolve it as the functions will, so the document may not depend on it.
     */
    static Function<String, Optional<String>> documentEnvironment(
            Map<String, String> environment, Map<String, String> settingsVariables) {
        return name -> {
            if (environment.containsKey(name)) {
                return Optional.of(environment.get(name));
            }
            if (settingsVariables.containsKey(name)) {
                return Optional.of(settingsVariables.get(name));
            }
            if (RESOURCE_VARIABLES.containsKey(name) || PER_FUNCTION_VARIABLES.contains(name)) {
                throw new IllegalArgumentException("sluice:pipeline refers to ${" + name + "}, which the program sets"
                        + " from what it deploys, per function or from the document itself, so it cannot be resolved"
                        + " before the functions start; put the value in sluice:environment under a name of your own");
            }
            if (name.startsWith("AWS_")
                    || name.startsWith("LAMBDA_")
                    || name.startsWith("ECS_")
                    || name.startsWith("_")) {
                throw new IllegalArgumentException("sluice:pipeline refers to ${" + name + "}, which the Lambda or ECS"
                        + " runtime sets, not the stack; put the value in sluice:environment under a name of your own");
            }
            return Optional.empty();
        };
    }
}
