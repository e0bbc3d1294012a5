package dev.sluice.local.bench;

import static dev.sluice.local.bench.Figures.f;

import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
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
 * {@code sluice bench coldstart}: a fresh JVM per run on the Lambda zip's classpath constructs one handler and
 * invokes it once; the dispatcher and the processor are compared with a hello-world handler launched the same way
 * in the same run. The stand-ins run in this JVM; the children get the functions' settings as system properties.
 */
public final class ColdStartBench {
    /** Close to what Lambda's Java runtime starts the JVM with (C1 only, serial GC, CDS on). */
    static final List<String> LAMBDA_LIKE_FLAGS =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx1g");

    private static final String TENANT = "bench";
    private static final String DISPATCHER = "dev.sluice.bootstrap.dispatcher.DispatcherHandler";
    private static final String PROCESSOR = "dev.sluice.bootstrap.processor.ProcessorHandler";
    private static final List<String> PROBE_CLASSES =
            List.of("ColdStartProbe", "HelloHandler", "ProbeContext", "ProbeContext$1");

    private final PrintStream out;
    private final Path zip;
    private final int runs;

    public ColdStartBench(PrintStream out, Path zip, int runs) {
        this.out = out;
        this.zip = zip;
        this.runs = runs;
    }

    /** One measured launch. */
    record Run(double jvmMs, double initMs, double invokeMs, String answer) {
        double totalMs() {
            return jvmMs + initMs + invokeMs;
        }
    }

    private record Target(String label, String handler, String kind, Path event) {}

    public boolean run(Path home) throws Exception {
        if (!Files.isRegularFile(zip)) {
            out.println("no Lambda zip at " + zip + ": build it with ./mvnw -q -pl bootstrap-lambda -am package"
                    + " -DskipTests");
            return false;
        }
        Path work = Files.createTempDirectory("sluice-coldstart-");
        try {
            long t0 = System.nanoTime();
            Path unpacked = unzip(zip, work.resolve("function"));
            Path probe = copyProbe(work.resolve("probe"));
            String classpath = unpacked + java.io.File.pathSeparator + unpacked.resolve("lib") + "/*"
                    + java.io.File.pathSeparator + probe;
            out.println(f("unpacked %s (%d MB) in %.1f s", zip, Files.size(zip) >> 20, Figures.seconds(t0)));

            LocalSluice.Options d = LocalSluice.Options.defaults(home);
            // No model latency: the processor's first invoke should show sluice's own work, not a simulated wait.
            try (LocalSluice local = LocalSluice.start(new LocalSluice.Options(
                    home, 0, Duration.ZERO, 0, d.workVisibility(), d.processorConcurrency(), d.processorBatchSize()))) {
                ApiClient api = new ApiClient(local.api(), TENANT);
                ingestCorpus(local, api);
                // The processor children take the work messages themselves; the local poller must not race them.
                local.poller("processor").orElseThrow().close();
                List<Path> envelopes = envelopes(local, api, work, runs + 1);

                Path dispatcherEvent = work.resolve("dispatcher-event.json");
                Files.writeString(dispatcherEvent, apiGatewayGetUnknownJob());
                Path helloEvent = work.resolve("hello-event.txt");
                Files.writeString(helloEvent, "sluice");

                List<String> command = command(classpath, local.properties());
                out.println("JVM: " + command.getFirst() + " " + String.join(" ", jvmFlags()));
                out.println(f(
                        "runs: 1 discarded warm-up (page cache) then %d measured, interleaved hello/dispatcher/processor",
                        runs));

                Map<String, List<Run>> results = new LinkedHashMap<>();
                for (int i = 0; i <= runs; i++) {
                    List<Target> targets = List.of(
                            new Target("hello", HelloHandler.class.getName(), "map", helloEvent),
                            new Target("dispatcher", DISPATCHER, "stream", dispatcherEvent),
                            new Target("processor", PROCESSOR, "sqs", envelopes.get(i)));
                    for (Target t : targets) {
                        Run r = launch(command, t, work, i);
                        if (i == 0) {
                            out.println(f("  %-10s answered: %s", t.label(), r.answer()));
                        } else {
                            results.computeIfAbsent(t.label(), k -> new ArrayList<>())
                                    .add(r);
                        }
                    }
                    out.println(i == 0 ? "  warm-up done" : f("  round %d of %d done", i, runs));
                }
                print(results);
                return true;
            }
        } finally {
            deleteTree(work);
        }
    }

    private void print(Map<String, List<Run>> results) {
        double helloTotal =
                Figures.median(results.get("hello").stream().map(Run::totalMs).toList());
        out.println();
        out.println(f("cold start, median of %d fresh JVMs per handler (ms):", runs));
        out.println(f(
                "  %-11s %9s %9s %13s %9s %14s",
                "handler", "JVM start", "init", "first invoke", "total", "total/hello"));
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            List<Run> rs = e.getValue();
            double total = Figures.median(rs.stream().map(Run::totalMs).toList());
            out.println(f(
                    "  %-11s %9.0f %9.0f %13.0f %9.0f %13.2fx",
                    e.getKey(),
                    Figures.median(rs.stream().map(Run::jvmMs).toList()),
                    Figures.median(rs.stream().map(Run::initMs).toList()),
                    Figures.median(rs.stream().map(Run::invokeMs).toList()),
                    total,
                    total / helloTotal));
        }
        out.println("  total = JVM start (spawn to main) + init (load the class, construct the handler: Dagger graph,");
        out.println("  clients, and for the processor the MiniLM model and the Lucene index restored from its S3");
        out.println("  snapshot) + first invoke; Lambda reports the first two as Init Duration, the last as Duration.");
        out.println("  goals: dispatcher under 2x hello, processor under 4x hello.");
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            out.println(f(
                    "  %-11s totals: %s",
                    e.getKey(),
                    e.getValue().stream().map(r -> f("%.0f", r.totalMs())).toList()));
        }
    }

    private Run launch(List<String> command, Target target, Path work, int round) throws Exception {
        Path result = work.resolve(f("result-%d-%s.txt", round, target.label()));
        Path log = work.resolve(f("log-%d-%s.txt", round, target.label()));
        Path lucene = Files.createDirectories(work.resolve(f("lucene-%d-%s", round, target.label())));
        List<String> cmd = new ArrayList<>(command);
        // Every sandbox starts with an empty /tmp: the processor restores its index from S3 each time.
        cmd.add(cmd.size() - 1, "-DSLUICE_LUCENE_DIR=" + lucene);
        cmd.addAll(List.of(target.handler(), target.kind(), target.event().toString(), result.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "sluice-" + target.label());
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
        return new Run(
                Long.parseLong(t[0]) - spawnedEpochMs,
                Long.parseLong(t[1]) / 1e6,
                Long.parseLong(t[2]) / 1e6,
                lines.size() > 1 ? lines.get(1) : "");
    }

    private static List<String> command(String classpath, Map<String, String> properties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(ColdStartProbe.class.getName());
        return cmd;
    }

    static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(LAMBDA_LIKE_FLAGS);
        // onnxruntime loads a native library; on JDK 24+ say so, as the function's JAVA_TOOL_OPTIONS would.
        flags.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
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

    private static String apiGatewayGetUnknownJob() {
        return """
                {"version":"2.0","routeKey":"$default","rawPath":"/v1/jobs/job_00000000000000000000000000000000",
                 "rawQueryString":"","headers":{"x-tenant-id":"bench","accept":"application/json"},
                 "requestContext":{"http":{"method":"GET","path":"/v1/jobs/job_00000000000000000000000000000000",
                 "protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"sluice-bench"},
                 "requestId":"coldstart","routeKey":"$default","stage":"$default"},
                 "isBase64Encoded":false}
                """;
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

    /** The probe's own classes, which depend on nothing but the Lambda core and events jars of the zip. */
    private static Path copyProbe(Path into) throws IOException {
        String pkg = ColdStartProbe.class.getPackageName().replace('.', '/');
        Path dir = Files.createDirectories(into.resolve(pkg));
        for (String name : PROBE_CLASSES) {
            try (InputStream in = ColdStartBench.class.getResourceAsStream("/" + pkg + "/" + name + ".class")) {
                if (in == null) {
                    throw new IOException("missing probe class " + name);
                }
                Files.copy(in, dir.resolve(name + ".class"));
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
