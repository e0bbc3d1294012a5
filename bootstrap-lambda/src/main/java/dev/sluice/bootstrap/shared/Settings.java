package dev.sluice.bootstrap.shared;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a function (and the container worker) learns from its environment, read once at init: the one place
 * sluice reads its process environment ({@link #fromEnvironment}), and testable from a map ({@link #from}). Names are
 * the contract with the Pulumi program (README, "Deploying").
 *
 * @param configObject {@code SLUICE_CONFIG_OBJECT}: the key, in {@code SLUICE_BUCKET}, of the stack's configuration
 *     document (deployed stacks; {@link ConfigSource})
 * @param leaseChosen whether {@code SLUICE_LEASE} set the engine's lease: only then may it be shorter than the
 *     longest hop ({@link EngineFit})
 * @param serviceName {@code POWERTOOLS_SERVICE_NAME}: the metrics' service dimension
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE}
 * @param embedderBaseUrl {@code SLUICE_EMBEDDER_BASE_URL}, for the {@code openai} embedder
 * @param embedderApiKeySecret {@code SLUICE_EMBEDDER_API_KEY_SECRET}: the secret holding the {@code openai}
 *     embedder's key
 * @param embedderModel {@code SLUICE_EMBEDDER_MODEL}; each embedder has its own default
 * @param luceneDir {@code SLUICE_LUCENE_DIR}, where the embedded store keeps its indexes (default: the JVM's temp
 *     directory, {@code /tmp} on Lambda)
 * @param workerConcurrency {@code SLUICE_WORKER_CONCURRENCY}: the container worker's concurrent processor batches
 * @param bedrockBatchRole {@code SLUICE_BEDROCK_BATCH_ROLE_ARN}: the service role Bedrock's batch inference assumes to
 *     read a window's records from {@code SLUICE_BUCKET} and write its answers there (the batcher's only)
 * @param tracing where the job's spans go ({@link Tracing}, the standard {@code OTEL_*} names)
 * @param variables the whole environment, for the configuration document's {@code ${NAME}} placeholders only
 *     ({@link ConfigSource})
 */
public record Settings(
        String workQueueUrl,
        String finalizeQueueUrl,
        String ingestQueueUrl,
        String jobsTable,
        String cacheTable,
        String limitsTable,
        String bucket,
        String eventBus,
        Optional<String> configObject,
        Optional<String> configFile,
        String vectorStore,
        Optional<String> openSearchEndpoint,
        Optional<String> openSearchSigV4,
        Optional<String> pineconeHost,
        Optional<String> pineconeApiKeySecret,
        String embedder,
        int maxReceiveCount,
        String region,
        Endpoints endpoints,
        boolean trustTenantHeader,
        boolean leaseChosen,
        String serviceName,
        String metricsNamespace,
        URI embedderBaseUrl,
        String embedderApiKeySecret,
        Optional<String> embedderModel,
        Path luceneDir,
        Tenancy tenancy,
        SecretSource secrets,
        int workerConcurrency,
        Optional<String> bedrockBatchRole,
        Tracing tracing,
        Variables variables) {

    /**
     * OpenTelemetry export, by the standard variables: {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL), else
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} with {@code /v1/traces} appended; {@code OTEL_EXPORTER_OTLP_HEADERS}
     * ({@code a=x,b=y}); {@code OTEL_SERVICE_NAME} (default: the metrics' service); {@code OTEL_SDK_DISABLED=true}
     * turns export off. Without an endpoint nothing is exported and tracing is a no-op.
     */
    public record Tracing(Optional<URI> otlpTracesEndpoint, Map<String, String> otlpHeaders, String serviceName) {
        public Tracing {
            Objects.requireNonNull(otlpTracesEndpoint, "'otlpTracesEndpoint' must not be null");
            otlpHeaders = Map.copyOf(otlpHeaders);
            Objects.requireNonNull(serviceName, "'serviceName' must not be null");
        }

        static Tracing from(Variables env) {
            boolean disabled = Boolean.parseBoolean(env.get("OTEL_SDK_DISABLED").orElse("false"));
            Optional<URI> endpoint = disabled
                    ? Optional.empty()
                    : env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                            .or(() -> env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
                                    .map(base -> (base.endsWith("/") ? base : base + "/") + "v1/traces"))
                            .map(URI::create);
            return new Tracing(
                    endpoint,
                    pairs(env.get("OTEL_EXPORTER_OTLP_HEADERS").orElse("")),
                    env.get("OTEL_SERVICE_NAME")
                            .or(() -> env.get("POWERTOOLS_SERVICE_NAME"))
                            .orElse("sluice"));
        }

        /** Header values are credentials: names only. */
        @Override
        public String toString() {
            return "Tracing[otlpTracesEndpoint=" + otlpTracesEndpoint + ", otlpHeaders=" + otlpHeaders.keySet()
                    + ", serviceName=" + serviceName + "]";
        }
    }

    /** Endpoint overrides for local stand-ins (the standard {@code AWS_ENDPOINT_URL_*} names); empty in AWS. */
    public record Endpoints(
            Optional<URI> sqs,
            Optional<URI> s3,
            Optional<URI> dynamodb,
            Optional<URI> eventbridge,
            Optional<URI> secretsmanager,
            Optional<URI> bedrock) {
        static Endpoints from(Variables env) {
            return new Endpoints(
                    uri(env, "AWS_ENDPOINT_URL_SQS"),
                    uri(env, "AWS_ENDPOINT_URL_S3"),
                    uri(env, "AWS_ENDPOINT_URL_DYNAMODB"),
                    uri(env, "AWS_ENDPOINT_URL_EVENTBRIDGE"),
                    uri(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
                    uri(env, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"));
        }

        private static Optional<URI> uri(Variables env, String name) {
            return env.get(name).or(() -> env.get("AWS_ENDPOINT_URL")).map(URI::create);
        }
    }

    /**
     * Who a caller is, as the deployment decides it (the dispatcher's {@code Callers}).
     *
     * @param tenantClaim {@code SLUICE_TENANT_CLAIM} (default {@code sub}): the JWT claim naming the tenant
     * @param iamTenants {@code SLUICE_IAM_TENANTS} ({@code OrdersService=acme,Reports=globex}): IAM role or user name
     *     to tenant
     * @param operatorRoles {@code SLUICE_OPERATOR_ROLES} ({@code Ops,Oncall}): the IAM roles that hold the operator
     *     scope
     * @param eventSources {@code SLUICE_EVENT_SOURCES} ({@code orders.app=acme}): EventBridge source to tenant
     */
    public record Tenancy(
            String tenantClaim,
            Map<String, String> iamTenants,
            Set<String> operatorRoles,
            Map<String, String> eventSources) {
        public Tenancy {
            iamTenants = Map.copyOf(iamTenants);
            operatorRoles = Set.copyOf(operatorRoles);
            eventSources = Map.copyOf(eventSources);
        }

        static Tenancy from(Variables env) {
            return new Tenancy(
                    env.get("SLUICE_TENANT_CLAIM").orElse("sub"),
                    pairs(env.get("SLUICE_IAM_TENANTS").orElse("")),
                    pairs(env.get("SLUICE_OPERATOR_ROLES").orElse("")).keySet(),
                    pairs(env.get("SLUICE_EVENT_SOURCES").orElse("")));
        }
    }

    /**
     * Where provider keys come from ({@link Secrets}): Secrets Manager (deployed stacks), or, with
     * {@code SLUICE_SECRETS=env} (local runs), environment variables, captured here: the {@code SLUICE_SECRET_*} and
     * {@code *_API_KEY} ones ({@code EnvironmentSecrets} says which name a secret is read from).
     *
     * @param fromEnvironment whether {@code SLUICE_SECRETS} is {@code env}
     * @param variables those variables by name; empty unless {@code fromEnvironment}
     */
    public record SecretSource(boolean fromEnvironment, Map<String, String> variables) {
        public static final String EXPLICIT_PREFIX = "SLUICE_SECRET_";
        public static final String PROVIDER_SUFFIX = "_API_KEY";

        public SecretSource {
            variables = Map.copyOf(variables);
        }

        static SecretSource from(Variables env) {
            if (!env.get("SLUICE_SECRETS").orElse("aws").equals("env")) {
                return new SecretSource(false, Map.of());
            }
            Map<String, String> keys = new HashMap<>();
            env.values.forEach((name, value) -> {
                if (name.startsWith(EXPLICIT_PREFIX) || name.endsWith(PROVIDER_SUFFIX)) {
                    keys.put(name, value);
                }
            });
            return new SecretSource(true, keys);
        }

        /** Names only: the values are keys. */
        @Override
        public String toString() {
            return "SecretSource[fromEnvironment=" + fromEnvironment + ", variables="
                    + new TreeMap<>(variables).keySet() + "]";
        }
    }

    /**
     * The environment as sluice reads it: a JVM system property of the same name wins over the environment variable
     * (so the local runtime can run every function in one JVM with its own settings), and a blank value is unset.
     */
    public static final class Variables {
        private final Map<String, String> values;

        private Variables(Map<String, String> values) {
            Map<String, String> set = new HashMap<>();
            values.forEach((name, value) -> {
                if (value != null && !value.isBlank()) {
                    set.put(name, value);
                }
            });
            this.values = Map.copyOf(set);
        }

        public static Variables of(Map<String, String> values) {
            return new Variables(values);
        }

        /** The process environment (and system properties) as of now. */
        public static Variables fromEnvironment() {
            return new Variables(Env.snapshot());
        }

        public Optional<String> get(String name) {
            return Optional.ofNullable(values.get(name));
        }

        String require(String name) {
            return get(name)
                    .orElseThrow(() -> new IllegalStateException("environment variable " + name
                            + " is not set (the deployment sets it; locally the sluice CLI does)"));
        }

        /** Neither names nor values: the environment holds keys. */
        @Override
        public String toString() {
            return "Variables[" + values.size() + " set]";
        }
    }

    public static Settings fromEnvironment() {
        return from(Variables.fromEnvironment());
    }

    /** Settings from {@code environment} as if it were the process environment (blank values are unset). */
    public static Settings from(Map<String, String> environment) {
        return from(Variables.of(environment));
    }

    private static Settings from(Variables env) {
        return new Settings(
                env.require("SLUICE_WORK_QUEUE_URL"),
                env.require("SLUICE_FINALIZE_QUEUE_URL"),
                env.require("SLUICE_INGEST_QUEUE_URL"),
                env.require("SLUICE_JOBS_TABLE"),
                env.require("SLUICE_CACHE_TABLE"),
                env.require("SLUICE_LIMITS_TABLE"),
                env.require("SLUICE_BUCKET"),
                env.get("SLUICE_EVENT_BUS").orElse("default"),
                env.get("SLUICE_CONFIG_OBJECT"),
                env.get("SLUICE_CONFIG_FILE"),
                env.get("SLUICE_VECTOR_STORE").orElse("lucene"),
                env.get("SLUICE_OPENSEARCH_ENDPOINT"),
                env.get("SLUICE_OPENSEARCH_SIGV4"),
                env.get("SLUICE_PINECONE_HOST"),
                env.get("SLUICE_PINECONE_API_KEY_SECRET"),
                env.get("SLUICE_EMBEDDER").orElse("minilm"),
                Integer.parseInt(env.get("SLUICE_MAX_RECEIVE_COUNT").orElse("5")),
                env.get("AWS_REGION").orElse("us-east-1"),
                Endpoints.from(env),
                Boolean.parseBoolean(env.get("SLUICE_TRUST_TENANT_HEADER").orElse("false")),
                env.get("SLUICE_LEASE").isPresent(),
                env.get("POWERTOOLS_SERVICE_NAME").orElse("sluice"),
                env.get("POWERTOOLS_METRICS_NAMESPACE").orElse("Sluice"),
                URI.create(env.get("SLUICE_EMBEDDER_BASE_URL").orElse("https://api.openai.com/v1")),
                env.get("SLUICE_EMBEDDER_API_KEY_SECRET").orElse("sluice/openai"),
                env.get("SLUICE_EMBEDDER_MODEL"),
                env.get("SLUICE_LUCENE_DIR")
                        .map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "sluice-lucene")),
                Tenancy.from(env),
                SecretSource.from(env),
                Integer.parseInt(env.get("SLUICE_WORKER_CONCURRENCY").orElse("10")),
                env.get("SLUICE_BEDROCK_BATCH_ROLE_ARN"),
                Tracing.from(env),
                env);
    }

    /** {@code a=x,b=y} (a bare name maps to itself). */
    static Map<String, String> pairs(String text) {
        Map<String, String> out = new HashMap<>();
        for (String pair : text.split(",")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            out.put(
                    eq < 0 ? p : p.substring(0, eq).strip(),
                    eq < 0 ? p : p.substring(eq + 1).strip());
        }
        return out;
    }
}
