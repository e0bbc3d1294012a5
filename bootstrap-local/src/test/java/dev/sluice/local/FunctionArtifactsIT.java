package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.sluice.local.bench.ColdStartBench;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each function's own artifact holds what its handler needs, and nothing makes a function load what it does not run:
 * every class sluice's code can reach from a handler, and every library class that code names, is in the function's
 * zip, or (for the opt-in parts) in the layer a stack with that part attaches; and the handlers answer when run in
 * fresh JVMs on nothing but their artifacts against the stand-ins (the cold-start bench's launch, one round).
 */
class FunctionArtifactsIT {
    private static final Path ARTIFACTS = Path.of("..", "bootstrap-lambda", "target", "lambda");

    /** Where the configuration chooses an adapter the function's zip need not carry: its libraries are a layer's. */
    private static final List<OptIn> OPT_INS = List.of(
            new OptIn(
                    "layer-opensearch", c -> c.getPackageName().startsWith("dev.sluice.adapter.retrieval.opensearch")),
            new OptIn("layer-pinecone", c -> c.getPackageName().startsWith("dev.sluice.adapter.retrieval.pinecone")),
            new OptIn(
                    "layer-minilm-" + ColdStartBench.hostArchitecture(),
                    c -> c.getName().startsWith("dev.sluice.adapter.retrieval.embedding.MiniLmEmbedder")));

    private record OptIn(String layer, Predicate<JavaClass> roots) {}

    private static JavaClasses sluice;

    @BeforeAll
    static void importSluice() {
        assertThat(ARTIFACTS.resolve("sluice-dispatcher.zip"))
                .as("the functions' artifacts: build them with ./mvnw -pl bootstrap-lambda -am package")
                .isRegularFile();
        sluice = new ClassFileImporter().importPackages("dev.sluice");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "dispatcher, dev.sluice.bootstrap.dispatcher.DispatcherHandler",
        "finalizer, dev.sluice.bootstrap.finalizer.FinalizerHandler",
        "processor, dev.sluice.bootstrap.processor.ProcessorHandler",
        "ingestor, dev.sluice.bootstrap.ingestor.IngestorHandler",
        "batcher, dev.sluice.bootstrap.batcher.BatcherHandler"
    })
    void everyClassAHandlerCanReachIsInItsZipOrInTheLayerOfTheChosenPart(String function, String handler)
            throws IOException {
        Set<String> zip = classesIn(ARTIFACTS.resolve("sluice-" + function + ".zip"));
        Predicate<JavaClass> cut = c -> OPT_INS.stream().anyMatch(o -> o.roots().test(c));

        Set<JavaClass> cutAt = new HashSet<>();
        Set<String> missing = missing(reach(Set.of(sluice.get(handler)), cut, cutAt), zip);
        assertThat(missing)
                .as("classes the " + function + " can reach that its zip does not hold")
                .isEmpty();

        // The parts the function's wiring can choose (the processor's and the ingestor's), each with its layer.
        for (OptIn optIn :
                OPT_INS.stream().filter(o -> cutAt.stream().anyMatch(o.roots())).toList()) {
            Set<JavaClass> roots = new HashSet<>();
            sluice.stream().filter(optIn.roots()).forEach(roots::add);
            Set<String> withLayer = new HashSet<>(zip);
            withLayer.addAll(classesIn(ARTIFACTS.resolve("sluice-" + optIn.layer() + ".zip")));
            assertThat(missing(reach(roots, c -> false, new HashSet<>()), withLayer))
                    .as("classes the " + function + " reaches through " + optIn.layer() + " that neither holds")
                    .isEmpty();
        }
    }

    @Test
    void theDispatcherAndTheFinalizerCarryNoModelClientEmbedderOrVectorStore() throws IOException {
        for (String function : List.of("dispatcher", "finalizer")) {
            Set<String> zip = classesIn(ARTIFACTS.resolve("sluice-" + function + ".zip"));
            assertThat(zip)
                    .as(function)
                    .noneMatch(c -> c.startsWith("dev.langchain4j.")
                            || c.startsWith("org.apache.lucene.")
                            || c.startsWith("ai.onnxruntime.")
                            || c.startsWith("org.opensearch.")
                            || c.startsWith("io.grpc."));
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theHandlersAnswerInFreshJvmsOnTheirOwnArtifacts(@TempDir Path home) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ColdStartBench bench = new ColdStartBench(
                new PrintStream(printed, true, StandardCharsets.UTF_8), ARTIFACTS.toAbsolutePath(), 1, List.of());

        assertThat(bench.run(home)).as(printed.toString(StandardCharsets.UTF_8)).isTrue();

        assertThat(bench.answers().get("peer")).contains("statusCode=404");
        assertThat(bench.answers().get("dispatcher"))
                .contains("\"statusCode\":404")
                .contains("not_found");
        assertThat(bench.answers().get("processor, remote embedder"))
                .isEqualTo("SQSBatchResponse(batchItemFailures=[])");
        assertThat(bench.answers().get("processor, MiniLM layer")).isEqualTo("SQSBatchResponse(batchItemFailures=[])");
        assertThat(bench.answers().get("finalizer")).isEqualTo("SQSBatchResponse(batchItemFailures=[])");
        assertThat(bench.answers().get("ingestor, remote embedder"))
                .isEqualTo("SQSBatchResponse(batchItemFailures=[])");
    }

    /**
     * The sluice classes reachable from {@code from} (not through {@code cut}, whose classes met go to {@code cutAt}),
     * and every class they name.
     */
    private static Set<String> reach(Set<JavaClass> from, Predicate<JavaClass> cut, Set<JavaClass> cutAt) {
        Set<String> named = new TreeSet<>();
        Set<JavaClass> seen = new HashSet<>(from);
        Deque<JavaClass> todo = new ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            JavaClass c = todo.pop();
            named.add(c.getName());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass().getBaseComponentType();
                if (target.isPrimitive()) {
                    continue;
                }
                named.add(target.getName());
                if (cut.test(target)) {
                    cutAt.add(target);
                    continue;
                }
                if (target.getPackageName().startsWith("dev.sluice.")
                        && sluice.contain(target.getName())
                        && seen.add(target)) {
                    todo.push(sluice.get(target.getName()));
                }
            }
        }
        return named;
    }

    private static Set<String> missing(Set<String> named, Set<String> available) {
        Set<String> missing = new TreeSet<>();
        for (String name : named) {
            if (!available.contains(name) && !inTheJdk(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static boolean inTheJdk(String name) {
        return ClassLoader.getPlatformClassLoader().getResource(name.replace('.', '/') + ".class") != null;
    }

    /** Every class in a function's zip (at its root and in its lib/ jars) or a layer's (java/lib/ jars). */
    private static Set<String> classesIn(Path zip) throws IOException {
        Set<String> classes = new HashSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(file.entries())) {
                if (e.getName().endsWith(".jar")) {
                    try (InputStream in = file.getInputStream(e);
                            ZipInputStream jar = new ZipInputStream(in)) {
                        for (ZipEntry j = jar.getNextEntry(); j != null; j = jar.getNextEntry()) {
                            add(classes, j.getName());
                        }
                    }
                } else {
                    add(classes, e.getName());
                }
            }
        }
        return classes;
    }

    private static void add(Set<String> classes, String entry) {
        if (entry.endsWith(".class") && !entry.startsWith("META-INF/")) {
            classes.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
        }
    }
}
