package dev.sluice.local;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.dynamodb.DynamoDbJobStore;
import dev.sluice.adapter.aws.resources.DynamoDbTables;
import dev.sluice.adapter.aws.resources.ProvisionedResources;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.adapter.aws.resources.ResourceProvisioner;
import dev.sluice.adapter.aws.resources.ResourceSettings;
import dev.sluice.adapter.aws.resources.SluiceResources;
import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.adapter.aws.s3.S3BlobStore;
import dev.sluice.adapter.aws.s3.S3Settings;
import dev.sluice.adapter.aws.s3.S3TraceStore;
import dev.sluice.bootstrap.batcher.BatcherHandler;
import dev.sluice.bootstrap.console.Console;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.dispatcher.DispatcherHandler;
import dev.sluice.bootstrap.finalizer.FinalizerHandler;
import dev.sluice.bootstrap.ingestor.IngestorHandler;
import dev.sluice.bootstrap.processor.ProcessorHandler;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.emulators.dynamodb.Dynalite;
import dev.sluice.emulators.dynamodb.DynaliteSettings;
import dev.sluice.emulators.eventbridge.EventBusStandIn;
import dev.sluice.emulators.llm.Latency;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.emulators.s3.S3BatchStorage;
import dev.sluice.emulators.s3.S3ProxyServer;
import dev.sluice.emulators.sqs.ElasticMq;
import dev.sluice.local.console.ConsoleData;
import dev.sluice.local.console.ConsoleSampler;
import dev.sluice.local.console.WebConsole;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole of sluice on one machine: the local stand-ins, the same queues, tables and bucket Pulumi creates, the
 * real handler classes behind an HTTP API, and pollers that feed them the way Lambda's SQS event source does.
 */
public final class LocalSluice implements AutoCloseable {
    /**
     * How to run.
     *
     * @param apiPort 0 for any free port
     * @param simulatorLatency median model latency of the bundled simulator
     * @param simulatorRpm the simulator's own requests-per-minute limit per model (0: none)
     * @param workVisibility the work queue's visibility timeout (short locally, so retries come back quickly)
     * @param durable keep queues, messages, tables, the bucket and the Lucene copy under {@link LocalState} in
     *     {@code home}, so a restart (after a kill too) carries on; otherwise everything but logs is in memory
     * @param config the configuration document to run instead of the bundled one ({@code ./sluice up --config})
     */
    public record Options(
            Path home,
            int apiPort,
            Duration simulatorLatency,
            long simulatorRpm,
            Duration workVisibility,
            int processorConcurrency,
            int processorBatchSize,
            boolean durable,
            boolean batcher,
            Optional<Path> config) {
        /** With the batcher's timer and the bundled configuration, as {@code ./sluice up} runs. */
        public Options(
                Path home,
                int apiPort,
                Duration simulatorLatency,
                long simulatorRpm,
                Duration workVisibility,
                int processorConcurrency,
                int processorBatchSize,
                boolean durable) {
            this(
                    home,
                    apiPort,
                    simulatorLatency,
                    simulatorRpm,
                    workVisibility,
                    processorConcurrency,
                    processorBatchSize,
                    durable,
                    true,
                    Optional.empty());
        }

        /** In memory, as tests and benchmarks run. */
        public Options(
                Path home,
                int apiPort,
                Duration simulatorLatency,
                long simulatorRpm,
                Duration workVisibility,
                int processorConcurrency,
                int processorBatchSize) {
            this(
                    home,
                    apiPort,
                    simulatorLatency,
                    simulatorRpm,
                    workVisibility,
                    processorConcurrency,
                    processorBatchSize,
                    false);
        }

        public static Options defaults(Path home) {
            return new Options(home, 0, Duration.ofMillis(300), 0, Duration.ofSeconds(20), 5, 10);
        }

        public Options durably() {
            return new Options(
                    home,
                    apiPort,
                    simulatorLatency,
                    simulatorRpm,
                    workVisibility,
                    processorConcurrency,
                    processorBatchSize,
                    true,
                    batcher,
                    config);
        }

        /**
         * Without the batcher's timer: for a workload with no batch-mode job, whose AWS requests are counted per call
         * (a deployed batcher's runs are a fixed cost, a few requests every few minutes, whatever the volume).
         */
        public Options withoutBatcher() {
            return new Options(
                    home,
                    apiPort,
                    simulatorLatency,
                    simulatorRpm,
                    workVisibility,
                    processorConcurrency,
                    processorBatchSize,
                    durable,
                    false,
                    config);
        }

        /** Running {@code document} (a sluice.yaml) instead of the bundled configuration. */
        public Options withConfig(Path document) {
            return new Options(
                    home,
                    apiPort,
                    simulatorLatency,
                    simulatorRpm,
                    workVisibility,
                    processorConcurrency,
                    processorBatchSize,
                    durable,
                    batcher,
                    Optional.of(document));
        }
    }

    // Locally no function timeout cuts a handler off and ingestion is idempotent, so short timeouts cost at most a
    // repeated ingest, and what a killed runtime had in flight comes back within seconds, not AWS's 3 and 15 minutes.
    private static final Duration FINALIZE_VISIBILITY = Duration.ofSeconds(20);
    private static final Duration INGEST_VISIBILITY = Duration.ofSeconds(30);

    /** The role a local Bedrock batch job names; the simulator reads the bucket with the runtime's own keys. */
    static final String LOCAL_BEDROCK_BATCH_ROLE = "arn:aws:iam::000000000000:role/sluice-local-bedrock-batch";

    /** Environment variable naming a running LLM simulator to use instead of starting one. */
    public static final String EXTERNAL_SIMULATOR = "SLUICE_SIMULATOR_URL";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Optional<URI> externalSimulator = Optional.empty();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, EventSourceMapping> pollers = new LinkedHashMap<>();
    private ElasticMq sqs;
    private LlmSimulator llm;

    /** The window of the bundled models' batch routes here, unless {@code SLUICE_BATCH_EVERY} says otherwise. */
    static final String LOCAL_BATCH_EVERY = "10s";

    /** How often the local batcher runs (a deployed stack's runs at its schedule's rate). */
    static final Duration BATCHER_PERIOD = Duration.ofSeconds(2);

    private EventBusStandIn bus;
    private SqsClient sqsClient;
    private ProvisionedResources provisioned;
    private SluiceResources definitions;
    private ApiServer api;
    private boolean realProvider;

    private LocalSluice() {}

    public static LocalSluice start(Options options) throws IOException {
        // The simulator and the event bus stand-in make HttpServers first; the API's limits must be set before.
        ApiServer.configureJdkHttpServer();
        LocalSluice local = new LocalSluice();
        try {
            local.boot(options);
            return local;
        } catch (IOException | RuntimeException e) {
            local.close();
            throw e;
        }
    }

    private void boot(Options options) throws IOException {
        Files.createDirectories(options.home());
        Optional<LocalState> state = options.durable() ? Optional.of(new LocalState(options.home())) : Optional.empty();
        sqs = track(state.map(s -> ElasticMq.startDurable(s.queues())).orElseGet(ElasticMq::start));
        S3ProxyServer s3 = track(
                state.map(s -> S3ProxyServer.startFilesystem(s.bucket())).orElseGet(S3ProxyServer::startTransient));
        Dynalite dynamo =
                track(Dynalite.start(state.map(s -> DynaliteSettings.defaults().withDataDir(s.tables()))
                        .orElseGet(DynaliteSettings::defaults)));
        bus = track(EventBusStandIn.start());
        // A simulator of the caller's (the chaos benchmark keeps one running across restarts of this runtime).
        externalSimulator =
                Optional.ofNullable(System.getenv(EXTERNAL_SIMULATOR)).map(URI::create);
        if (externalSimulator.isEmpty()) {
            llm = track(LlmSimulator.start());
            llm.configureDefault(ModelBehaviour.DEFAULT
                    .withLatency(Latency.ofMillis(
                            options.simulatorLatency().toMillis(),
                            options.simulatorLatency().toMillis() * 3))
                    .withLimits(options.simulatorRpm(), 0));
        }

        // Every client signs with the keys s3proxy expects; ElasticMQ and dynalite accept any.
        property("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        property("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        property("aws.region", "us-east-1");
        sqsClient = AwsClients.sqs(
                AwsClientSettings.local(sqs.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        definitions = SluiceResources.of(localSettings(options));
        provisioned = new ResourceProvisioner(
                        sqsClient,
                        AwsClients.s3(AwsClientSettings.local(
                                s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .provision(definitions);
        SluiceTables tables = new SluiceTables("local");
        try (DynamoDbClient ddb = AwsClients.dynamoDb(
                AwsClientSettings.local(dynamo.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            DynamoDbTables.createIfAbsent(ddb, tables.all());
        }

        property("SLUICE_WORK_QUEUE_URL", queueUrl(QueueRole.WORK));
        property("SLUICE_FINALIZE_QUEUE_URL", queueUrl(QueueRole.FINALIZE));
        property("SLUICE_INGEST_QUEUE_URL", queueUrl(QueueRole.INGEST));
        property("SLUICE_JOBS_TABLE", tables.jobs().name());
        property("SLUICE_CACHE_TABLE", tables.cache().name());
        property("SLUICE_LIMITS_TABLE", tables.limits().name());
        property("SLUICE_BUCKET", provisioned.bucket());
        // The functions read their configuration document from the bucket, as in a deployed stack.
        property("SLUICE_CONFIG_OBJECT", publishConfig(s3, provisioned.bucket(), options.config()));
        property("SLUICE_EVENT_BUS", "sluice-local");
        property("SLUICE_VECTOR_STORE", "lucene");
        property(
                "SLUICE_LUCENE_DIR",
                state.map(LocalState::lucene)
                        .orElse(options.home().resolve("lucene"))
                        .toString());
        property("SLUICE_EMBEDDER", "minilm");
        property("SLUICE_MAX_RECEIVE_COUNT", Integer.toString(ResourceSettings.DEFAULT_MAX_RECEIVE_COUNT));
        property("SLUICE_TRUST_TENANT_HEADER", "true");
        property("SLUICE_SECRETS", "env");
        // Windows of seconds, not minutes: a batch-mode job answers within a minute or so on the simulator.
        property(
                "SLUICE_BATCH_EVERY",
                Optional.ofNullable(System.getenv("SLUICE_BATCH_EVERY")).orElse(LOCAL_BATCH_EVERY));
        property("AWS_REGION", "us-east-1");
        property("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());
        property("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
        property("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
        property("AWS_ENDPOINT_URL_EVENTBRIDGE", bus.endpoint().toString());
        pointModelsAtTheSimulator();
        // Bedrock's batch inference reads and writes its records in the bucket, as it would through the stack's role.
        property("SLUICE_BEDROCK_BATCH_ROLE_ARN", LOCAL_BEDROCK_BATCH_ROLE);
        if (llm != null) {
            llm.bedrockBatchStorage(new S3BatchStorage(track(AwsClients.s3(
                    AwsClientSettings.local(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))));
        }
        // Every function below reports its spans in process, for the console's job page (README, "Tracing").
        JobTracing.collectInProcess(LocalSpans.INSTANCE.processor());

        ProcessorHandler processor = new ProcessorHandler();
        FinalizerHandler finalizer = new FinalizerHandler();
        IngestorHandler ingestor = new IngestorHandler();
        poll(
                QueueRole.WORK,
                new EventSourceMapping.Options(
                        "processor",
                        options.processorBatchSize(),
                        Duration.ofMillis(100),
                        options.processorConcurrency(),
                        Duration.ofSeconds(60)),
                processor::handleRequest);
        poll(
                QueueRole.FINALIZE,
                new EventSourceMapping.Options("finalizer", 10, Duration.ofMillis(100), 2, Duration.ofSeconds(30)),
                finalizer::handleRequest);
        poll(
                QueueRole.INGEST,
                new EventSourceMapping.Options("ingestor", 1, Duration.ZERO, 1, Duration.ofSeconds(150)),
                ingestor::handleRequest);
        if (options.batcher()) {
            track(new BatcherTimer(new BatcherHandler(), BATCHER_PERIOD));
        }
        api = track(
                new ApiServer(options.apiPort(), new DispatcherHandler(), Optional.of(console(s3, dynamo, tables))));
    }

    /**
     * The web console, reading through clients of its own to the same stand-ins; a redrive asks this runtime's API
     * to retry each job, as {@code ./sluice redrive} does.
     */
    private WebConsole console(S3ProxyServer s3, Dynalite dynamo, SluiceTables tables) {
        S3Client s3Client = track(AwsClients.s3(
                AwsClientSettings.local(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)));
        DynamoDbClient ddb = track(AwsClients.dynamoDb(
                AwsClientSettings.local(dynamo.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)));
        S3BlobStore blobs = new S3BlobStore(s3Client, new S3Settings(provisioned.bucket()));
        List<DeadLetterQueues.Route> routes = List.of(QueueRole.WORK, QueueRole.FINALIZE, QueueRole.INGEST).stream()
                .map(role -> new DeadLetterQueues.Route(
                        role.name().toLowerCase(java.util.Locale.ROOT), deadLetterQueueUrl(role), queueUrl(role)))
                .toList();
        DeadLetterQueues queues = new DeadLetterQueues(sqsClient, routes);
        java.time.Clock clock = java.time.Clock.systemUTC();
        ConsoleSampler sampler =
                track(new ConsoleSampler(queues::queueDepths, llm == null ? Map::of : llm::outcomes, clock));
        ConsoleData data = new ConsoleData(
                new DynamoDbJobStore(
                        ddb, blobs, DynamoDbJobStore.Settings.of(tables.jobs().name())),
                new S3TraceStore(s3Client, new S3Settings(provisioned.bucket())),
                blobs,
                properties.get("SLUICE_CONFIG_OBJECT"),
                queues,
                envelope -> new ApiClient(api(), envelope.tenant().value())
                        .post("/v1/jobs/" + envelope.jobId().value() + "/retry", Map.of()),
                properties,
                sampler::samples,
                clock);
        return new WebConsole(new Console(data, clock));
    }

    /**
     * The bundled document (or the caller's), written where {@code pulumi up} writes a stack's
     * ({@code config/sluice.yaml}).
     */
    private static String publishConfig(S3ProxyServer s3, String bucket, Optional<Path> config) throws IOException {
        String key = "config/sluice.yaml";
        byte[] document;
        if (config.isPresent()) {
            document = Files.readAllBytes(config.get());
        } else {
            try (InputStream in = LocalSluice.class.getResourceAsStream("/sluice.yaml")) {
                if (in == null) {
                    throw new IllegalStateException("the bundled sluice.yaml is missing from the classpath");
                }
                document = in.readAllBytes();
            }
        }
        try (S3Client client = AwsClients.s3(
                AwsClientSettings.local(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            client.putObject(
                    r -> r.bucket(bucket).key(key).contentType("application/yaml"), RequestBody.fromBytes(document));
        }
        return key;
    }

    private static ResourceSettings localSettings(Options options) {
        ResourceSettings d = ResourceSettings.defaults("sluice-local");
        return new ResourceSettings(
                d.prefix(),
                d.bucketName(),
                d.maxReceiveCount(),
                options.workVisibility(),
                FINALIZE_VISIBILITY,
                INGEST_VISIBILITY,
                d.maximumMessageBytes());
    }

    /**
     * With no provider key in the environment, every model alias talks to the bundled simulator; with
     * {@code OPENAI_API_KEY} (or {@code ANTHROPIC_API_KEY}) set, that provider is the real one.
     */
    private void pointModelsAtTheSimulator() {
        String simulator = simulatorEndpoint().toString();
        realProvider = System.getenv("OPENAI_API_KEY") != null;
        if (!realProvider) {
            property("SLUICE_OPENAI_BASE_URL", simulator + "/v1");
            property("SLUICE_SECRET_SLUICE_OPENAI", "local-simulator");
        }
        if (System.getenv("ANTHROPIC_API_KEY") == null) {
            property("SLUICE_ANTHROPIC_BASE_URL", simulator + "/v1/");
            property("SLUICE_SECRET_SLUICE_ANTHROPIC", "local-simulator");
        }
        // For a configuration of the caller's (--config) with a Bedrock model: its baseUrl option can name this.
        if (System.getenv("SLUICE_BEDROCK_BASE_URL") == null) {
            property("SLUICE_BEDROCK_BASE_URL", simulator);
        }
    }

    private void poll(
            QueueRole role,
            EventSourceMapping.Options options,
            java.util.function.BiFunction<
                            com.amazonaws.services.lambda.runtime.events.SQSEvent,
                            com.amazonaws.services.lambda.runtime.Context,
                            com.amazonaws.services.lambda.runtime.events.SQSBatchResponse>
                    handler) {
        EventSourceMapping mapping = new EventSourceMapping(sqsClient, queueUrl(role), options, handler);
        pollers.put(options.functionName(), track(mapping));
    }

    private void property(String name, String value) {
        properties.put(name, value);
        System.setProperty(name, value);
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    public String queueUrl(QueueRole role) {
        return provisioned.queueUrl(definitions.queue(role));
    }

    public String deadLetterQueueUrl(QueueRole role) {
        return provisioned.queueUrl(definitions.deadLetterQueue(role));
    }

    /** Messages waiting or in flight on a queue. */
    public long depth(String queueUrl) {
        return depth(sqsClient, queueUrl);
    }

    /** Messages waiting, in flight or delayed on a queue, read with the given client. */
    public static long depth(SqsClient sqsClient, String queueUrl) {
        Map<QueueAttributeName, String> a = sqsClient
                .getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    public URI api() {
        return api.endpoint();
    }

    /** The HTTP front door, with the dispatcher's invocation count and time. */
    public ApiServer apiServer() {
        return api;
    }

    /** The bundled simulator this runtime started (none when {@link #EXTERNAL_SIMULATOR} named one). */
    public LlmSimulator simulator() {
        if (llm == null) {
            throw new IllegalStateException("this runtime uses the simulator at " + simulatorEndpoint());
        }
        return llm;
    }

    public URI simulatorEndpoint() {
        return externalSimulator.orElseGet(() -> llm.endpoint());
    }

    public EventBusStandIn bus() {
        return bus;
    }

    public SqsClient sqs() {
        return sqsClient;
    }

    public URI sqsEndpoint() {
        return sqs.endpoint();
    }

    public boolean usesRealProvider() {
        return realProvider;
    }

    public Optional<EventSourceMapping> poller(String function) {
        return Optional.ofNullable(pollers.get(function));
    }

    public Map<String, String> properties() {
        return Map.copyOf(properties);
    }

    @Override
    public void close() {
        // Pollers first, then the API, then the stand-ins they talk to.
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("sluice: stopping " + resources.get(i) + " failed: " + e);
            }
        }
        properties.keySet().forEach(System::clearProperty);
    }
}
