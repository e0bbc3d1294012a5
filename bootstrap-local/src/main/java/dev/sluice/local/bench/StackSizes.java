package dev.sluice.local.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The sizes a stack deploys, as the cost benchmark needs them: each function's memory and batch, the Fargate task,
 * trace retention. Read from {@code infra/pulumi/Pulumi.<stack>.yaml}; what the stack leaves out takes the Pulumi
 * program's defaults, repeated in {@code bench/stack-defaults.properties} because this module cannot see infra's;
 * {@code CostBenchDefaultsAgreementTest} in infra holds the function sizes there to {@code FunctionSettings.defaults}.
 */
record StackSizes(
        String stack,
        int dispatcherMemoryMb,
        int processorMemoryMb,
        int processorBatchSize,
        int processorBatchingWindowSeconds,
        int finalizerMemoryMb,
        int finalizerBatchSize,
        int fargateCpu,
        int fargateMemoryMb,
        int workerConcurrency,
        int traceDays) {

    static final String DEFAULTS_RESOURCE = "bench/stack-defaults.properties";

    /** The Pulumi program's defaults, for a stack that sets none of these. */
    static final StackSizes DEFAULTS = defaults();

    private static StackSizes defaults() {
        Properties p = new Properties();
        try (InputStream in = StackSizes.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is not on the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StackSizes(
                "defaults",
                Integer.parseInt(p.getProperty("dispatcher.memory")),
                Integer.parseInt(p.getProperty("processor.memory")),
                Integer.parseInt(p.getProperty("processor.batchSize")),
                Integer.parseInt(p.getProperty("processor.batchingWindow")),
                Integer.parseInt(p.getProperty("finalizer.memory")),
                Integer.parseInt(p.getProperty("finalizer.batchSize")),
                Integer.parseInt(p.getProperty("fargate.cpu")),
                Integer.parseInt(p.getProperty("fargate.memory")),
                Integer.parseInt(p.getProperty("worker.concurrency")),
                Integer.parseInt(p.getProperty("retention.traceDays")));
    }

    static StackSizes read(Path stackFile) throws IOException {
        String name = stackFile
                .getFileName()
                .toString()
                .replaceFirst("^Pulumi\\.", "")
                .replaceFirst("\\.yaml$", "");
        Map<String, Object> config;
        try (Reader in = Files.newBufferedReader(stackFile)) {
            Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            config = map(root == null ? null : root.get("config"));
        }
        Map<String, Object> functions = map(config.get("sluice:functions"));
        Map<String, Object> dispatcher = map(functions.get("dispatcher"));
        Map<String, Object> processor = map(functions.get("processor"));
        Map<String, Object> finalizer = map(functions.get("finalizer"));
        Map<String, Object> fargate = map(config.get("sluice:fargate"));
        Map<String, Object> retention = map(config.get("sluice:retention"));
        StackSizes d = DEFAULTS;
        return new StackSizes(
                name,
                integer(dispatcher, "memory", d.dispatcherMemoryMb),
                integer(processor, "memory", d.processorMemoryMb),
                integer(processor, "batchSize", d.processorBatchSize),
                integer(processor, "batchingWindow", d.processorBatchingWindowSeconds),
                integer(finalizer, "memory", d.finalizerMemoryMb),
                integer(finalizer, "batchSize", d.finalizerBatchSize),
                integer(fargate, "cpu", d.fargateCpu),
                integer(fargate, "memory", d.fargateMemoryMb),
                d.workerConcurrency,
                integer(retention, "traceDays", d.traceDays));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static int integer(Map<String, Object> map, String key, int otherwise) {
        Object value = map.get(key);
        return value instanceof Number n ? n.intValue() : otherwise;
    }
}
