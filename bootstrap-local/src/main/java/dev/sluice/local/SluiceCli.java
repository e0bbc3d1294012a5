package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.emulators.llm.LlmSimulator;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code sluice} command line. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        description = "Generative-AI pipelines on AWS Lambda, run locally against real stand-ins.",
        subcommands = {
            SluiceCli.Demo.class,
            SluiceCli.Up.class,
            SluiceCli.Down.class,
            SluiceCli.Submit.class,
            SluiceCli.Status.class,
            SluiceCli.Trace.class,
            SluiceCli.Usage.class,
            SluiceCli.Ingest.class,
            SluiceCli.Redrive.class,
            SluiceCli.Retry.class,
            SluiceCli.Worker.class,
            SluiceCli.Simulator.class,
            SluiceCli.StackConsole.class,
            SluiceCli.Bench.class
        })
public final class SluiceCli implements Runnable {
    static final Path HOME = Path.of(".sluice");
    static final Path STATE = HOME.resolve("endpoint.json");

    public static void main(String[] args) throws Exception {
        // Before any logger exists: the functions' JSON logs go to .sluice/sluice.log in local runs.
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        if ("console".equals(System.getenv("SLUICE_LOG"))) {
            System.setProperty("sluice.logAppender", "Console");
        }
        Console.install(HOME);
        // Before any HttpServer exists in this process: its limits are read once (ApiServer says which).
        ApiServer.configureJdkHttpServer();
        int code = new CommandLine(new SluiceCli()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static ApiClient client(String tenant) throws Exception {
        return new ApiClient(URI.create(state().path("api").asText()), tenant);
    }

    static JsonNode state() throws Exception {
        if (!Files.exists(STATE)) {
            throw new IllegalStateException("sluice is not running here: start it with ./sluice up");
        }
        return Json.MAPPER.readTree(STATE.toFile());
    }

    static void print(ApiClient.Reply reply) throws Exception {
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(reply.body()));
        if (!reply.ok()) {
            throw new CommandLine.ExecutionException(new CommandLine(new SluiceCli()), "HTTP " + reply.status());
        }
    }

    @Command(name = "demo", description = "Start everything, ingest a sample corpus, run jobs, print what happened.")
    static final class Demo implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return new DemoRun(System.out).run(HOME) ? 0 : 1;
        }
    }

    @Command(
            name = "up",
            description = "Serve the HTTP API on localhost and keep the pipeline running (Ctrl-C or ./sluice down"
                    + " stops). Queues, tables and the bucket live in .sluice/state and survive a restart.")
    static final class Up implements Callable<Integer> {
        /** What the functions said of the configuration document, when that is why the runtime did not start. */
        private static Optional<String> configurationProblem(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof IllegalStateException
                        && t.getMessage() != null
                        && t.getMessage().contains("/config/sluice.yaml")) {
                    return Optional.of(t.getMessage());
                }
            }
            return Optional.empty();
        }

        @Option(names = "--port", defaultValue = "8787", description = "API port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--in-memory",
                description = "Keep nothing: queues, tables and the bucket in memory, .sluice/state untouched.")
        boolean inMemory;

        @Option(
                names = "--simulator-latency-ms",
                defaultValue = "300",
                description = "Median latency of the bundled model simulator (default ${DEFAULT-VALUE}).")
        long simulatorLatencyMs;

        @Option(
                names = "--config",
                description = "Run this sluice.yaml instead of the bundled configuration (as pulumi up publishes a"
                        + " stack's).")
        Path config;

        @Override
        public Integer call() throws Exception {
            if (config != null && !Files.isReadable(config)) {
                System.err.println("cannot read the configuration file " + config);
                return 2;
            }
            Optional<ProcessHandle> running = UpProcess.running(HOME);
            if (running.isPresent()) {
                System.err.println(
                        "sluice is already up here (pid " + running.get().pid() + "): stop it with ./sluice down");
                return 1;
            }
            UpProcess.claim(HOME);
            // An endpoint file left by a killed run names ports nothing listens on any more.
            Files.deleteIfExists(STATE);
            LocalSluice.Options defaults = LocalSluice.Options.defaults(HOME);
            LocalSluice.Options options = new LocalSluice.Options(
                    HOME,
                    port,
                    Duration.ofMillis(simulatorLatencyMs),
                    defaults.simulatorRpm(),
                    // Short, so what a killed run had in flight comes back soon; a copy delivered while its hop
                    // still runs finds the lease held and looks again 30 s later, it never runs the hop twice.
                    defaults.workVisibility(),
                    defaults.processorConcurrency(),
                    defaults.processorBatchSize());
            LocalSluice local;
            try {
                LocalSluice.Options chosen = inMemory ? options : options.durably();
                local = LocalSluice.start(config == null ? chosen : chosen.withConfig(config.toAbsolutePath()));
            } catch (Exception e) {
                UpProcess.release(HOME);
                Optional<String> invalid = configurationProblem(e);
                if (invalid.isPresent()) {
                    // Said of the file the user gave (or the bundled one), not of the bucket it was published to.
                    System.err.println("sluice up: "
                            + invalid.get()
                                    .replaceAll(
                                            "s3://\\S+/config/sluice\\.yaml",
                                            config == null ? "the bundled sluice.yaml" : config.toString()));
                    return 2;
                }
                throw e;
            }
            Files.writeString(
                    STATE,
                    Json.MAPPER.writeValueAsString(Map.of(
                            "api",
                            local.api().toString(),
                            "sqs",
                            local.sqsEndpoint().toString(),
                            "workDlq",
                            local.deadLetterQueueUrl(QueueRole.WORK),
                            "workQueue",
                            local.queueUrl(QueueRole.WORK),
                            "finalizeDlq",
                            local.deadLetterQueueUrl(QueueRole.FINALIZE),
                            "finalizeQueue",
                            local.queueUrl(QueueRole.FINALIZE),
                            "ingestDlq",
                            local.deadLetterQueueUrl(QueueRole.INGEST),
                            "ingestQueue",
                            local.queueUrl(QueueRole.INGEST),
                            "properties",
                            local.properties())));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                local.close();
                try {
                    Files.deleteIfExists(STATE);
                    UpProcess.release(HOME);
                } catch (java.io.IOException e) {
                    System.err.println("sluice: could not remove the run files in " + HOME + ": " + e.getMessage());
                }
                stop.countDown();
            }));
            System.out.println("sluice is up: API " + local.api() + " (tenant header X-Tenant-Id), models: "
                    + (local.usesRealProvider() ? "OpenAI" : "local simulator " + local.simulatorEndpoint()));
            System.out.println(
                    "console: " + local.api() + "/ (jobs, timelines and traces, dead letters, pipelines, charts)");
            System.out.println(
                    inMemory
                            ? "state: in memory (gone when this stops)"
                            : "state: .sluice/state (kept across restarts; ./sluice down --wipe starts clean)");
            System.out.println(
                    "logs: .sluice/sluice.log   metrics: .sluice/metrics.log   stop: Ctrl-C or ./sluice down");
            stop.await();
            return 0;
        }
    }

    @Command(
            name = "down",
            description = "Stop a running ./sluice up; with --wipe also delete its state (.sluice/state), so the next"
                    + " up starts clean.")
    static final class Down implements Callable<Integer> {
        @Option(names = "--wipe", description = "Delete queues, messages, tables, the bucket and the Lucene copy.")
        boolean wipe;

        @Override
        public Integer call() throws Exception {
            boolean stopped = UpProcess.stop(HOME, Duration.ofSeconds(30));
            System.out.println(stopped ? "sluice stopped" : "sluice was not running here");
            if (wipe) {
                LocalState state = new LocalState(HOME);
                boolean had = state.exists();
                state.wipe();
                Files.deleteIfExists(STATE);
                System.out.println(had ? "state deleted: the next ./sluice up starts clean" : "there was no state");
            }
            return 0;
        }
    }

    @Command(
            name = "submit",
            description = "Submit a job to a running sluice, or with --batch a file of inputs as one batch, showing"
                    + " its progress until every job has ended.")
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", description = "Pipeline name, e.g. rag.")
        String pipeline;

        @Option(
                names = {"-i", "--input"},
                description = "Input field, e.g. -i question='Why?'")
        Map<String, String> input;

        @Option(
                names = "--batch",
                description = "A JSON Lines file, one job's input per line ({\"question\": \"...\"}): submitted"
                        + " by POST /v1/batches.")
        Path batch;

        @Option(names = "--key", description = "Idempotency key.")
        String key;

        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if ((input == null) == (batch == null)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "give the job's input with -i, or a file of inputs with --batch");
            }
            if (batch != null) {
                return BatchSubmit.run(client(tenant), pipeline, batch, Optional.ofNullable(key), System.out);
            }
            Map<String, Object> body = key == null
                    ? Map.of("pipeline", pipeline, "input", input)
                    : Map.of("pipeline", pipeline, "input", input, "idempotencyKey", key);
            print(client(tenant).post("/v1/jobs", body));
            return 0;
        }
    }

    @Command(name = "status", description = "Show a job.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0")
        String jobId;

        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @Override
        public Integer call() throws Exception {
            print(client(tenant).get("/v1/jobs/" + jobId));
            return 0;
        }
    }

    @Command(name = "trace", description = "Show a job's trace: retrieved context, prompts, responses, tokens, cost.")
    static final class Trace implements Callable<Integer> {
        @Parameters(index = "0")
        String jobId;

        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @Override
        public Integer call() throws Exception {
            print(client(tenant).get("/v1/jobs/" + jobId + "/trace"));
            return 0;
        }
    }

    @Command(
            name = "usage",
            description = "Show what a tenant spent on model calls, by pipeline, model and day, and its budget.")
    static final class Usage implements Callable<Integer> {
        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @Option(names = "--from", description = "First UTC day, e.g. 2026-12-01 (default: the first of the month).")
        String from;

        @Option(names = "--to", description = "Last UTC day, included (default: today).")
        String to;

        @Option(names = "--json", description = "Print the API's JSON instead.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<String> query = new ArrayList<>();
            if (from != null) {
                query.add("from=" + URLEncoder.encode(from, StandardCharsets.UTF_8));
            }
            if (to != null) {
                query.add("to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
            }
            ApiClient.Reply reply =
                    client(tenant).get("/v1/usage" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            if (json || !reply.ok()) {
                print(reply);
            } else {
                UsagePrint.print(reply.body(), System.out);
            }
            return 0;
        }
    }

    @Command(name = "ingest", description = "Ingest text or Markdown files into an index.")
    static final class Ingest implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "Files to ingest.")
        List<Path> files;

        @Option(names = "--index", defaultValue = "docs")
        String index;

        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @Option(
                names = "--wait",
                description = "Wait until the ingestor has taken every ingestion request, showing progress and an ETA.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            print(client(tenant).post("/v1/documents", DemoRun.documents(index, files)));
            if (await) {
                JsonNode state = state();
                try (var sqs = dev.sluice.adapter.aws.AwsClients.sqs(dev.sluice.adapter.aws.AwsClientSettings.local(
                        URI.create(state.path("sqs").asText()),
                        dev.sluice.emulators.s3.S3ProxyServer.ACCESS_KEY,
                        dev.sluice.emulators.s3.S3ProxyServer.SECRET_KEY))) {
                    DemoRun.waitUntilDrained(
                            url -> LocalSluice.depth(sqs, url),
                            state.path("ingestQueue").asText(),
                            Duration.ofMinutes(30),
                            Optional.of(new Progress(System.out, "ingesting (queue messages)")));
                }
                System.out.println("ingested: the ingestor has taken every request");
            }
            return 0;
        }
    }

    @Command(
            name = "redrive",
            description = "Try the dead letters again: reopen each failed job at the hop where it stopped (hops already"
                    + " done are not paid again); ingest requests go back to their queue.")
    static final class Redrive implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            JsonNode state = state();
            List<DeadLetterQueues.Route> routes =
                    Redriver.routes(key -> state.path(key).asText());
            URI api = URI.create(state.path("api").asText());
            List<String> report = Redriver.redrive(
                    URI.create(state.path("sqs").asText()),
                    routes,
                    envelope -> new ApiClient(api, envelope.tenant().value())
                            .post("/v1/jobs/" + envelope.jobId().value() + "/retry", Map.of()));
            report.forEach(System.out::println);
            System.out.println(report.size() + " dead letter(s) redriven");
            return 0;
        }
    }

    @Command(
            name = "retry",
            description = "Try a job again: a failed job is reopened at the hop where it stopped, a running one's hop"
                    + " is queued again.")
    static final class Retry implements Callable<Integer> {
        @Parameters(index = "0")
        String jobId;

        @Option(names = "--tenant", defaultValue = "local")
        String tenant;

        @Override
        public Integer call() throws Exception {
            ApiClient.Reply reply = client(tenant).post("/v1/jobs/" + jobId + "/retry", Map.of());
            if (reply.ok()) {
                System.out.println(reply.body().path("message").asText());
                return 0;
            }
            print(reply);
            return 1;
        }
    }

    @Command(
            name = "worker",
            description = "Run the consumers against real SQS (the container path): same env as the functions.")
    static final class Worker implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return ContainerWorker.run();
        }
    }

    @Command(
            name = "console",
            description = "Open a deployed stack's console on 127.0.0.1: each page is fetched from the stack's API with"
                    + " your operator credentials (a JWT in SLUICE_TOKEN, or --iam to sign with your AWS credentials).")
    static final class StackConsole implements Callable<Integer> {
        @Option(names = "--api", required = true, description = "the stack's API URL (pulumi stack output apiUrl)")
        URI api;

        @Option(names = "--port", defaultValue = "8789")
        int port;

        @Option(names = "--iam", description = "sign requests (SigV4) with the default AWS credentials instead")
        boolean iam;

        @Option(names = "--region", description = "the stack's region, for --iam (default: from the API URL)")
        String region;

        @Override
        public Integer call() throws Exception {
            dev.sluice.local.console.ConsoleProxy.Credentials credentials;
            if (iam) {
                String signingRegion = Optional.ofNullable(region)
                        .or(() -> dev.sluice.local.console.ConsoleProxy.regionOf(api))
                        .orElse(null);
                if (signingRegion == null) {
                    System.err.println("give --region: " + api + " does not name one");
                    return 2;
                }
                credentials = new dev.sluice.local.console.ConsoleProxy.Credentials.SigV4(
                        software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder()
                                .build(),
                        signingRegion);
            } else {
                String token = System.getenv("SLUICE_TOKEN");
                if (token == null || token.isBlank()) {
                    System.err.println("set SLUICE_TOKEN to a token holding the sluice/operator scope, or use --iam");
                    return 2;
                }
                credentials = new dev.sluice.local.console.ConsoleProxy.Credentials.Bearer(() -> token.strip());
            }
            try (var proxy = dev.sluice.local.console.ConsoleProxy.start(port, api, credentials)) {
                System.out.println("the console of " + api + " at " + proxy.endpoint() + " (Ctrl-C stops it)");
                Thread.sleep(Duration.ofDays(365));
            }
            return 0;
        }
    }

    @Command(name = "simulator", description = "Run the LLM provider simulator alone.")
    static final class Simulator implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8788")
        int port;

        @Override
        public Integer call() throws Exception {
            try (LlmSimulator simulator = LlmSimulator.start(port)) {
                System.out.println("LLM simulator on " + simulator.endpoint()
                        + " (OpenAI /v1/..., Anthropic /v1/messages, Bedrock /model/{id}/converse[-stream],"
                        + " Gemini /v1beta/models/..., Ollama /api/...; HTTP/1.1 and h2c)");
                Thread.sleep(Duration.ofDays(365));
            }
            return 0;
        }
    }

    @Command(
            name = "bench",
            description = "Benchmarks that print figures: coldstart | throughput | concurrency | chaos | cost.",
            subcommands = {
                Bench.ColdStart.class,
                Bench.Throughput.class,
                Bench.Concurrency.class,
                Bench.Chaos.class,
                Bench.Cost.class
            })
    static final class Bench implements Runnable {
        @Override
        public void run() {
            new CommandLine(this).usage(System.out);
        }

        @Command(
                name = "coldstart",
                description = "Fresh JVMs on each function's own artifact: handler init and first invoke against a"
                        + " peer handler (Dagger, DynamoDB GetItem) launched the same way.")
        static final class ColdStart implements Callable<Integer> {
            @Option(
                    names = "--runs",
                    defaultValue = "5",
                    description = "Measured runs per handler (default ${DEFAULT-VALUE}).")
            int runs;

            @Option(
                    names = "--artifacts",
                    defaultValue = "bootstrap-lambda/target/lambda",
                    description =
                            "Where the build wrote the functions' zips and the layers (default ${DEFAULT-VALUE}).")
            Path artifacts;

            @Option(
                    names = "--jvm-option",
                    description = "An option added to every child JVM, e.g. -Xlog:class+load:file=/tmp/cl-%%p.txt"
                            + " (repeatable; not for the figures).")
            List<String> jvmOptions = new ArrayList<>();

            @Override
            public Integer call() throws Exception {
                return new dev.sluice.local.bench.ColdStartBench(System.out, artifacts, runs, jvmOptions)
                                .run(HOME.resolve("bench"))
                        ? 0
                        : 1;
            }
        }

        @Command(
                name = "chaos",
                description = "Jobs under provider faults, hostile input, duplicate deliveries, killed workers and a"
                        + " killed runtime: every job must end, none lost, no call paid twice.")
        static final class Chaos implements Callable<Integer> {
            @Option(names = "--jobs", defaultValue = "10000", description = "Jobs to run (default ${DEFAULT-VALUE}).")
            int jobs;

            @Option(
                    names = "--workers",
                    defaultValue = "2",
                    description = "Container-worker JVMs to kill at random (default ${DEFAULT-VALUE}).")
            int workers;

            @Option(
                    names = "--submitters",
                    defaultValue = "8",
                    description = "Concurrent clients (default ${DEFAULT-VALUE}).")
            int submitters;

            @Override
            public Integer call() throws Exception {
                Path home = HOME.resolve("bench").resolve("chaos-" + System.currentTimeMillis());
                return new dev.sluice.local.bench.ChaosBench(
                                        System.out,
                                        new dev.sluice.local.bench.ChaosBench.Settings(jobs, workers, submitters))
                                .run(home.toAbsolutePath())
                        ? 0
                        : 1;
            }
        }

        @Command(
                name = "throughput",
                mixinStandardHelpOptions = true,
                description = "Sustained overload of one model's limit: answered/limit over sliding minutes, provider"
                        + " 429s, lost jobs, the limiter's DynamoDB calls per admission; or, with --fairness, an"
                        + " interactive tenant's latency beside a batch flood.")
        static final class Throughput implements Callable<Integer> {
            @Option(
                    names = "--mode",
                    defaultValue = "sliding-minute",
                    converter = CountingConverter.class,
                    description = "How the simulated provider counts its limits: sliding-minute, token-bucket or"
                            + " per-second (default ${DEFAULT-VALUE}).")
            dev.sluice.emulators.llm.RateCounting mode;

            @Option(
                    names = "--minutes",
                    defaultValue = "3",
                    description = "Minutes of sustained overload: rpm x minutes jobs at 3x the limit (default"
                            + " ${DEFAULT-VALUE}).")
            int minutes;

            @Option(
                    names = "--jobs",
                    description = "Jobs to run instead of rpm x minutes (with --fairness: tenant-a's, default 2000).")
            Integer jobs;

            @Option(
                    names = "--rpm",
                    defaultValue = "300",
                    description = "sluice's RPM limit (default ${DEFAULT-VALUE}).")
            long rpm;

            @Option(
                    names = "--tpm",
                    defaultValue = "200000",
                    description = "sluice's TPM limit (default ${DEFAULT-VALUE}).")
            long tpm;

            @Option(
                    names = "--real-limit",
                    defaultValue = "1.1",
                    description = "The simulated provider's limits as a multiple of sluice's: 0.5 means sluice is"
                            + " configured twice as high as the account's real limit (default ${DEFAULT-VALUE}).")
            double realLimit;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            /** The old name of --real-limit, which it overrides when given. */
            @Option(names = "--provider-headroom", hidden = true)
            Double providerHeadroom;

            @Option(
                    names = "--latency-ms",
                    defaultValue = "300",
                    description = "Median model latency (default ${DEFAULT-VALUE}).")
            long latencyMs;

            @Option(
                    names = "--fairness",
                    description = "tenant-a floods batches while tenant-b submits an interactive job every 5 s:"
                            + " tenant-b's submit-to-end p50, p95, max.")
            boolean fairness;

            @Override
            public Integer call() throws Exception {
                if (providerHeadroom != null) {
                    realLimit = providerHeadroom;
                }
                if (minutes < 1 || rpm < 1 || tpm < 1 || realLimit <= 0 || (jobs != null && jobs < 1)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--minutes, --rpm, --tpm, --real-limit and --jobs must be positive");
                }
                return new dev.sluice.local.bench.ThroughputBench(
                                        System.out,
                                        new dev.sluice.local.bench.ThroughputBench.Settings(
                                                mode,
                                                minutes,
                                                jobs == null ? 0 : jobs,
                                                rpm,
                                                tpm,
                                                realLimit,
                                                Duration.ofMillis(latencyMs),
                                                fairness))
                                .run(HOME.resolve("bench"))
                        ? 0
                        : 1;
            }
        }

        /** {@code sliding-minute}, {@code token-bucket}, {@code per-second}: a simulator's counting. */
        static final class CountingConverter
                implements CommandLine.ITypeConverter<dev.sluice.emulators.llm.RateCounting> {
            @Override
            public dev.sluice.emulators.llm.RateCounting convert(String value) {
                try {
                    return dev.sluice.emulators.llm.RateCounting.valueOf(
                            value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not sliding-minute, token-bucket or per-second");
                }
            }
        }

        @Command(
                name = "cost",
                mixinStandardHelpOptions = true,
                description = "USD per million LLM calls, line by line: a fixed workload through the real handlers,"
                        + " every AWS request counted, invocations timed, log and metric bytes measured, times the"
                        + " dated price table; sluice beside the naive design, and the Fargate crossover.")
        static final class Cost implements Callable<Integer> {
            @Option(
                    names = "--latency-ms",
                    defaultValue = "4000",
                    description = "Assumed model latency per call (default ${DEFAULT-VALUE}).")
            long latencyMs;

            @Option(
                    names = "--input-tokens",
                    defaultValue = "2000",
                    description = "Assumed input tokens per call; prompts are sized to it (default ${DEFAULT-VALUE}).")
            int inputTokens;

            @Option(
                    names = "--output-tokens",
                    defaultValue = "500",
                    description = "Assumed output tokens per call; answers are sized to it, up to the model's"
                            + " maxOutputTokens (default ${DEFAULT-VALUE}).")
            int outputTokens;

            @Option(
                    names = "--stack",
                    defaultValue = "staging",
                    description = "The stack whose sizes (memory, batch sizes, Fargate task, trace retention) are"
                            + " priced: infra/pulumi/Pulumi.<stack>.yaml (default ${DEFAULT-VALUE}).")
            String stack;

            @Option(
                    names = "--semantic-hit-rate",
                    defaultValue = "0",
                    description = "Share of requests a semantic cache answers (0 to 1), to project the model's price"
                            + " with it (default ${DEFAULT-VALUE}: not shown).")
            double semanticHitRate;

            @Option(
                    names = "--batch-share",
                    defaultValue = "0",
                    description = "Share of model calls that go through a batch route at the batch prices (0 to 1),"
                            + " to project the model's price with it (default ${DEFAULT-VALUE}: not shown).")
            double batchShare;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                if (latencyMs < 0 || inputTokens < 1 || outputTokens < 1) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--latency-ms must not be negative, the token counts must be positive");
                }
                if (!(semanticHitRate >= 0 && semanticHitRate < 1)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--semantic-hit-rate must be at least 0 and below 1");
                }
                if (!(batchShare >= 0 && batchShare <= 1)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--batch-share must be between 0 and 1");
                }
                Path stackFile = Path.of("infra", "pulumi", "Pulumi." + stack + ".yaml");
                if (!Files.exists(stackFile)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no stack file " + stackFile);
                }
                Path logFile = Path.of(System.getProperty(
                        "sluice.logFile", HOME.resolve("sluice.log").toString()));
                return new dev.sluice.local.bench.CostBench(
                                        System.out,
                                        new dev.sluice.local.bench.CostBench.Settings(
                                                Duration.ofMillis(latencyMs),
                                                inputTokens,
                                                outputTokens,
                                                stackFile,
                                                logFile,
                                                HOME.resolve("metrics.log"),
                                                semanticHitRate,
                                                batchShare))
                                .run(HOME.resolve("bench").resolve("cost-" + System.currentTimeMillis()))
                        ? 0
                        : 1;
            }
        }

        @Command(name = "concurrency", description = "LLM calls per processor invocation-second, batch 10 vs 1.")
        static final class Concurrency implements Callable<Integer> {
            @Option(
                    names = "--jobs",
                    defaultValue = "100",
                    description = "Jobs per batch size (default ${DEFAULT-VALUE}).")
            int jobs;

            @Option(
                    names = "--latency-ms",
                    defaultValue = "300",
                    description = "Fixed model latency (default ${DEFAULT-VALUE}).")
            long latencyMs;

            @Override
            public Integer call() throws Exception {
                return new dev.sluice.local.bench.ConcurrencyBench(System.out, jobs, Duration.ofMillis(latencyMs))
                                .run(HOME.resolve("bench"))
                        ? 0
                        : 1;
            }
        }
    }
}
