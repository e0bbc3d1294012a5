package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.bench.coldstart.ColdStartProbe;
import dev.sluice.local.bench.coldstart.PeerHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code sluice bench coldstart}: a fresh JVM per run on one function's own artifact (and the layers its stack would
 * attach) constructs the handler and invokes it once, beside a peer handler built as the Java-on-Lambda framework
 * samples build one (Dagger 2, the SDK's DynamoDB client on the URL-connection HTTP client, an API Gateway event, one
 * {@code GetItem}), launched the same way with the same flags in the same run. The stand-ins run in this JVM; the
 * children get the functions' settings as system properties.
 */
public final class ColdStartBench {
    /** Close to what Lambda's Java runtime starts the JVM with (C1 only, serial GC, CDS on). */
    static final List<String> LAMBDA_LIKE_FLAGS =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx1g");

    private static final String TENANT = "bench";
    private static final String PROBE_PACKAGE =
            ColdStartProbe.class.getPackageName().replace('.', '/') + "/";

    /** The jars of the dispatcher's artifact the peer's graph loads: its own, smaller, zip. */
    private static final List<String> PEER_JARS = List.of(
            "dagger-",
            "javax.inject-",
            "jakarta.inject-api-",
            "jspecify-",
            "aws-lambda-java-core-",
            "aws-lambda-java-events-",
            "joda-time-",
            "dynamodb-",
            "sdk-core-",
            "aws-core-",
            "regions-",
            "auth-",
            "http-auth-",
            "identity-spi-",
            "utils-",
            "annotations-",
            "http-client-spi-",
            "url-connection-client-",
            "aws-json-protocol-",
            "protocol-core-",
            "json-utils-",
            "third-party-jackson-core-",
            "metrics-spi-",
            "endpoints-spi-",
            "profiles-",
            "retries-",
            "checksums-",
            "reactive-streams-",
            "crt-core-",
            "eventstream-",
            "slf4j-api-");

    private final PrintStream out;
    private final Path artifacts;
    private final int runs;
    private final List<String> extraFlags;
    private final Map<String, String> answers = new LinkedHashMap<>();

    /** @param extraFlags JVM options added to every child's (class-loading logs, say), none for a measurement */
    public ColdStartBench(PrintStream out, Path artifacts, int runs, List<String> extraFlags) {
        this.out = out;
        this.artifacts = artifacts;
        this.runs = runs;
        this.extraFlags = List.copyOf(extraFlags);
    }

    /** One measured launch; {@code breakdown} as the probe wrote it ({@code classes=812 classLoadingMs=301.2 ...}). */
    record Run(double jvmMs, double initMs, double invokeMs, String answer, Map<String, Double> breakdown) {
        double totalMs() {
            return jvmMs + initMs + invokeMs;
        }
    }

    /** A handler on a classpath, with settings of its own, and the event file of each round. */
    private record Target(
            String label,
            String handler,
            String kind,
            String classpath,
            Map<String, String> settings,
            Event events,
            double goal) {}

    /** The event file of a round: made before the runs, or taken off a queue when the round comes. */
    @FunctionalInterface
    private interface Event {
        Path of(int round) throws Exception;
    }

    /** The Lambda architecture name of this machine: the MiniLM layer's natives must be this one's. */
    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x86_64";
    }

    public boolean run(Path home) throws Exception {
        String minilm = "layer-minilm-" + hostArchitecture();
        for (String name : List.of("dispatcher", "processor", "finalizer", "ingestor", minilm)) {
            if (!Files.isRegularFile(zip(name))) {
                out.println("no " + zip(name) + ": build the functions' artifacts with ./mvnw -q -pl bootstrap-lambda"
                        + " -am package -DskipTests");
                return false;
            }
        }
        Path work = Files.createTempDirectory("sluice-coldstart-");
        try {
            long t0 = System.nanoTime();
            Path dispatcher = unzip(zip("dispatcher"), work.resolve("dispatcher"));
            Path processor = unzip(zip("processor"), work.resolve("processor"));
            Path finalizer = unzip(zip("finalizer"), work.resolve("finalizer"));
            Path ingestor = unzip(zip("ingestor"), work.resolve("ingestor"));
            Path layer = unzip(zip(minilm), work.resolve(minilm));
            Path probe = copyProbe(work.resolve("probe"));
            out.println(
                    f("unpacked the dispatcher, processor and %s artifacts in %.1f s", minilm, Figures.seconds(t0)));
            printSizes();

            LocalSluice.Options d = LocalSluice.Options.defaults(home);
            // No model latency: the processor's first invoke should show sluice's own work, not a simulated wait.
            try (LocalSluice local = LocalSluice.start(new LocalSluice.Options(
                    home, 0, Duration.ZERO, 0, d.workVisibility(), d.processorConcurrency(), d.processorBatchSize()))) {
                ApiClient api = new ApiClient(local.api(), TENANT);
                ingestCorpus(local, api);
                // The children take the messages themselves; the local pollers must not race them.
                for (String function : List.of("processor", "finalizer", "ingestor")) {
                    local.poller(function).orElseThrow().close();
                }
                List<Path> envelopes = envelopes(local, api, work, 2 * (runs + 1));
                List<Path> ingestions = ingestions(local, api, work, runs + 1);

                String missing = "/v1/jobs/job_00000000000000000000000000000000";
                Path dispatcherEvent = Files.writeString(work.resolve("dispatcher-event.json"), apiGatewayGet(missing));
                Path peerEvent = Files.writeString(work.resolve("peer-event.txt"), missing);
                String sim = local.simulatorEndpoint() + "/v1";
                List<Target> targets = List.of(
                        new Target(
                                "peer",
                                PeerHandler.class.getName(),
                                "apigw",
                                classpath(peerJars(dispatcher), probe),
                                Map.of(),
                                round -> peerEvent,
                                0),
                        new Target(
                                "dispatcher",
                                "dev.sluice.bootstrap.dispatcher.DispatcherHandler",
                                "stream",
                                classpath(List.of(dispatcher.toString(), dispatcher.resolve("lib") + "/*"), probe),
                                Map.of(),
                                round -> dispatcherEvent,
                                1.0),
                        new Target(
                                "processor, remote embedder",
                                "dev.sluice.bootstrap.processor.ProcessorHandler",
                                "sqs",
                                classpath(List.of(processor.toString(), processor.resolve("lib") + "/*"), probe),
                                Map.of("SLUICE_EMBEDDER", "openai", "SLUICE_EMBEDDER_BASE_URL", sim),
                                envelopes::get,
                                1.5),
                        new Target(
                                "processor, MiniLM layer",
                                "dev.sluice.bootstrap.processor.ProcessorHandler",
                                "sqs",
                                classpath(
                                        List.of(
                                                processor.toString(),
                                                processor.resolve("lib") + "/*",
                                                layer.resolve("java").resolve("lib") + "/*"),
                                        probe),
                                Map.of("SLUICE_EMBEDDER", "minilm"),
                                round -> envelopes.get(runs + 1 + round),
                                2.5),
                        new Target(
                                "finalizer",
                                "dev.sluice.bootstrap.finalizer.FinalizerHandler",
                                "sqs",
                                classpath(List.of(finalizer.toString(), finalizer.resolve("lib") + "/*"), probe),
                                Map.of(),
                                // What this round's processors sent on.
                                round -> take(local, QueueRole.FINALIZE, work, "finalize-" + round),
                                0),
                        new Target(
                                "ingestor, remote embedder",
                                "dev.sluice.bootstrap.ingestor.IngestorHandler",
                                "sqs",
                                classpath(List.of(ingestor.toString(), ingestor.resolve("lib") + "/*"), probe),
                                Map.of("SLUICE_EMBEDDER", "openai", "SLUICE_EMBEDDER_BASE_URL", sim),
                                ingestions::get,
                                0));

                Map<String, String> properties = local.properties();
                out.println("JVM: " + javaBinary() + " " + String.join(" ", jvmFlags()));
                out.println(f(
                        "runs: 1 discarded warm-up (page cache) then %d measured, interleaved %s",
                        runs,
                        String.join(" / ", targets.stream().map(Target::label).toList())));

                Map<String, List<Run>> results = new LinkedHashMap<>();
                for (int i = 0; i <= runs; i++) {
                    for (Target t : targets) {
                        Run r = launch(properties, t, work, i);
                        if (i == 0) {
                            answers.put(t.label(), r.answer());
                            out.println(f("  %-27s answered: %s", t.label(), r.answer()));
                        } else {
                            results.computeIfAbsent(t.label(), k -> new ArrayList<>())
                                    .add(r);
                        }
                    }
                    out.println(i == 0 ? "  warm-up done" : f("  round %d of %d done", i, runs));
                }
                print(targets, results);
                return true;
            }
        } finally {
            deleteTree(work);
        }
    }

    /** What each handler answered in the warm-up round, by label ({@code peer}, {@code dispatcher}, ...). */
    public Map<String, String> answers() {
        return Map.copyOf(answers);
    }

    private Path zip(String name) {
        return artifacts.resolve("sluice-" + name + ".zip");
    }

    /** Every artifact the build wrote, zipped and unzipped: what Lambda's 50 MB and 250 MB limits count. */
    private void printSizes() throws IOException {
        out.println("artifacts in " + artifacts + " (MB; Lambda: 50 zipped for a direct upload, 250 unzipped with"
                + " layers):");
        try (Stream<Path> zips = Files.list(artifacts)) {
            for (Path z :
                    zips.filter(p -> p.toString().endsWith(".zip")).sorted().toList()) {
                long unzipped = 0;
                try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(z.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(file.entries())) {
                        unzipped += Math.max(0, e.getSize());
                    }
                }
                out.println(f(
                        "  %-32s zipped %5.1f  unzipped %5.1f",
                        z.getFileName(), Files.size(z) / 1048576.0, unzipped / 1048576.0));
            }
        }
    }

    private void print(List<Target> targets, Map<String, List<Run>> results) {
        double peer =
                Figures.median(results.get("peer").stream().map(Run::totalMs).toList());
        out.println();
        out.println(f("cold start, median of %d fresh JVMs per handler (ms):", runs));
        out.println(f(
                "  %-27s %9s %9s %13s %9s %10s %6s",
                "handler", "JVM start", "init", "first invoke", "total", "total/peer", "goal"));
        for (Target t : targets) {
            List<Run> rs = results.get(t.label());
            double total = Figures.median(rs.stream().map(Run::totalMs).toList());
            out.println(f(
                    "  %-27s %9.0f %9.0f %13.0f %9.0f %9.2fx %6s",
                    t.label(),
                    Figures.median(rs.stream().map(Run::jvmMs).toList()),
                    Figures.median(rs.stream().map(Run::initMs).toList()),
                    Figures.median(rs.stream().map(Run::invokeMs).toList()),
                    total,
                    total / peer,
                    t.goal() == 0 ? "" : f("%.1fx", t.goal())));
        }
        out.println("  total = JVM start (spawn to main) + init (load the handler class and construct it: Dagger");
        out.println("  graph, clients, configuration read from the bucket, and for the processor the embedder and the");
        out.println("  Lucene index restored from its S3 snapshot) + first invoke. Lambda reports the first two as");
        out.println("  Init Duration and the last as Duration; its own runtime start is not in any of them.");
        out.println();
        out.println(
                "where init goes (medians, ms; class loading runs inside every phase; the phases are sluice's own,");
        out.println("InitPhases, as each handler logs them at init):");
        List<String> phases = List.of("logging", "config", "clients", "metrics", "embedder", "index");
        StringBuilder header = new StringBuilder(f("  %-27s %7s %8s %7s", "handler", "classes", "loading", "static"));
        phases.forEach(p -> header.append(f(" %8s", p)));
        out.println(header.append(f(" %10s", "graph+rest")));
        for (Target t : targets) {
            List<Run> rs = results.get(t.label());
            StringBuilder row = new StringBuilder(f(
                    "  %-27s %7.0f %8.0f %7.0f",
                    t.label(), median(rs, "classes"), median(rs, "classLoadingMs"), median(rs, "staticInitMs")));
            double init = Figures.median(rs.stream().map(Run::initMs).toList());
            double inPhases = 0;
            for (String p : phases) {
                double ms = median(rs, "phase." + p);
                row.append(f(" %8s", cell(ms)));
                inPhases += Double.isNaN(ms) ? 0 : ms;
            }
            boolean sluice = !t.label().equals("peer");
            out.println(row.append(f(" %10s", sluice ? f("%.0f", init - inPhases) : "-")));
        }
        out.println("  loading: class loading (sun.cls.time, incl. linking); static: static initializers");
        out.println("  (sun.cls.classInitTime.self); graph+rest: init less the phases (the Dagger graph, Jackson, the");
        out.println("  handler). The peer records no phases: its init is its graph and its one client.");
        for (Target t : targets) {
            out.println(f(
                    "  %-27s totals: %s",
                    t.label(),
                    results.get(t.label()).stream()
                            .map(r -> f("%.0f", r.totalMs()))
                            .toList()));
        }
    }

    private static double median(List<Run> runs, String figure) {
        return Figures.median(runs.stream()
                .map(r -> r.breakdown().getOrDefault(figure, Double.NaN))
                .toList());
    }

    private static String cell(double ms) {
        return Double.isNaN(ms) ? "-" : f("%.0f", ms);
    }

    private Run launch(Map<String, String> properties, Target target, Path work, int round) throws Exception {
        String label = target.label().replaceAll("[^a-z]+", "-");
        Path result = work.resolve(f("result-%d-%s.txt", round, label));
        Path log = work.resolve(f("log-%d-%s.txt", round, label));
        Path lucene = Files.createDirectories(work.resolve(f("lucene-%d-%s", round, label)));
        Map<String, String> settings = new LinkedHashMap<>(properties);
        settings.putAll(target.settings());
        // Every sandbox starts with an empty /tmp: the processor restores its index from S3 each time.
        settings.put("SLUICE_LUCENE_DIR", lucene.toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmFlags());
        cmd.addAll(extraFlags);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", target.classpath(), ColdStartProbe.class.getName()));
        cmd.addAll(List.of(
                target.handler(), target.kind(), target.events().of(round).toString(), result.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "sluice-" + label);
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Local");
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        long spawnedEpochMs = System.currentTimeMillis();
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(target.label() + " did not finish within 3 minutes; see " + log);
        }
        if (process.exitValue() != 0 || !Files.exists(result)) {
            throw new IllegalStateException(
                    target.label() + " probe failed (exit " + process.exitValue() + "):\n" + tail(log));
        }
        List<String> lines = Files.readAllLines(result);
        String[] t = lines.getFirst().split(" ");
        Map<String, Double> breakdown = new LinkedHashMap<>();
        if (lines.size() > 2) {
            for (String pair : lines.get(2).split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    breakdown.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
                }
            }
        }
        return new Run(
                Long.parseLong(t[0]) - spawnedEpochMs,
                Long.parseLong(t[1]) / 1e6,
                Long.parseLong(t[2]) / 1e6,
                lines.size() > 1 ? lines.get(1) : "",
                breakdown);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath(List<String> entries, Path probe) {
        List<String> all = new ArrayList<>(entries);
        all.add(probe.toString());
        return String.join(java.io.File.pathSeparator, all);
    }

    /** The dispatcher artifact's jars that the peer's graph uses, one by one, as the peer's own zip would hold. */
    private static List<String> peerJars(Path dispatcher) throws IOException {
        try (Stream<Path> jars = Files.list(dispatcher.resolve("lib"))) {
            return jars.filter(j -> PEER_JARS.stream()
                            .anyMatch(prefix -> j.getFileName().toString().startsWith(prefix)))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
    }

    static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(LAMBDA_LIKE_FLAGS);
        // onnxruntime loads a native library; on JDK 24+ say so, as the function's JAVA_TOOL_OPTIONS would.
        flags.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        // The probe reads HotSpot's class-loading counters of its own JVM.
        flags.add("--add-exports=jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED");
        return flags;
    }

    private void ingestCorpus(LocalSluice local, ApiClient api) throws Exception {
        long t0 = System.nanoTime();
        ApiClient.Reply reply = api.post("/v1/documents", DemoRun.corpus("docs"));
        if (!reply.ok()) {
            throw new IllegalStateException("ingestion refused: " + reply.body());
        }
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
        out.println(f(
                "ingested the demo corpus in %.1f s (its Lucene snapshot is what each processor cold start restores)",
                Figures.seconds(t0)));
    }

    /** Asks to ingest {@code count} small documents and takes their messages off the ingest queue, one file each. */
    private static List<Path> ingestions(LocalSluice local, ApiClient api, Path work, int count) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Reply r = api.post(
                    "/v1/documents",
                    Map.of(
                            "index",
                            "docs",
                            "documents",
                            List.of(Map.of(
                                    "id",
                                    "coldstart-" + i,
                                    "text",
                                    "A cold start of the ingestor, number " + i + ", embeds and writes this."))));
            if (!r.ok()) {
                throw new IllegalStateException("ingestion refused: " + r.body());
            }
            files.add(take(local, QueueRole.INGEST, work, "ingest-" + i));
        }
        return files;
    }

    /** One message off {@code queue}, hidden for the rest of the run, as a file; fails after 30 s without one. */
    private static Path take(LocalSluice local, QueueRole queue, Path work, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> messages = local.sqs()
                    .receiveMessage(r -> r.queueUrl(local.queueUrl(queue))
                            .maxNumberOfMessages(1)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(43_200))
                    .messages();
            if (!messages.isEmpty()) {
                return Files.writeString(
                        work.resolve(name + ".json"), messages.getFirst().body());
            }
        }
        throw new IllegalStateException("no message arrived on the " + queue + " queue within 30 s");
    }

    /** Submits {@code count} RAG jobs and takes their first-hop messages off the work queue, one file each. */
    private static List<Path> envelopes(LocalSluice local, ApiClient api, Path work, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ApiClient.Reply r = api.post(
                    "/v1/jobs",
                    Map.of(
                            "pipeline",
                            "rag",
                            "input",
                            Map.of("question", "Cold start " + i + ": why does sluice defer throttled work?")));
            if (r.status() != 202) {
                throw new IllegalStateException("job refused: " + r.body());
            }
        }
        List<Path> files = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (files.size() < count && System.nanoTime() < deadline) {
            List<Message> messages = local.sqs()
                    .receiveMessage(r -> r.queueUrl(local.queueUrl(QueueRole.WORK))
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(43_200)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            for (Message m : messages) {
                Path file = work.resolve("envelope-" + files.size() + ".json");
                Files.writeString(file, m.body());
                files.add(file);
            }
        }
        if (files.size() < count) {
            throw new IllegalStateException("only " + files.size() + " of " + count + " work messages arrived");
        }
        return files;
    }

    private static String apiGatewayGet(String path) {
        return """
                {"version":"2.0","routeKey":"$default","rawPath":"%s",
                 "rawQueryString":"","headers":{"x-tenant-id":"bench","accept":"application/json"},
                 "requestContext":{"http":{"method":"GET","path":"%s",
                 "protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"sluice-bench"},
                 "requestId":"coldstart","routeKey":"$default","stage":"$default"},
                 "isBase64Encoded":false}
                """.formatted(path, path);
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return into;
    }

    /** The probe's and the peer's classes (their package of this program), which need only the artifacts' jars. */
    private static Path copyProbe(Path into) throws IOException {
        Path source;
        try {
            source = Path.of(ColdStartProbe.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("cannot locate the probe's classes", e);
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source.resolve(PROBE_PACKAGE))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = into.resolve(source.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
            return into;
        }
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(source.toFile())) {
            for (ZipEntry e : java.util.Collections.list(jar.entries())) {
                if (e.getName().startsWith(PROBE_PACKAGE) && !e.isDirectory()) {
                    Path target = into.resolve(e.getName());
                    Files.createDirectories(target.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return into;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("sluice: could not remove " + root + ": " + e.getMessage());
        }
    }
}
