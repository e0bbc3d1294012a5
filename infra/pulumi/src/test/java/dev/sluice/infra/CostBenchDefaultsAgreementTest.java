package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sluice bench cost} prices what a stack leaves out at the sizes in bootstrap-local's
 * {@code bench/stack-defaults.properties} (that module cannot see this one): they must be the sizes this program
 * deploys, or the benchmark prices functions nobody runs.
 */
class CostBenchDefaultsAgreementTest {
    private static final Path DEFAULTS =
            Path.of("../../bootstrap-local/src/main/resources/bench/stack-defaults.properties");

    @Test
    void theCostBenchmarkPricesTheFunctionSizesThisProgramDeploys() throws IOException {
        Properties bench = new Properties();
        try (Reader in = Files.newBufferedReader(DEFAULTS)) {
            bench.load(in);
        }
        FunctionSettings dispatcher = FunctionSettings.defaults(FunctionRole.DISPATCHER);
        FunctionSettings processor = FunctionSettings.defaults(FunctionRole.PROCESSOR);
        FunctionSettings finalizer = FunctionSettings.defaults(FunctionRole.FINALIZER);
        assertThat(number(bench, "dispatcher.memory")).isEqualTo(dispatcher.memoryMb());
        assertThat(number(bench, "processor.memory")).isEqualTo(processor.memoryMb());
        assertThat(number(bench, "processor.batchSize")).isEqualTo(processor.batchSize());
        assertThat(number(bench, "processor.batchingWindow")).isEqualTo(processor.batchingWindowSeconds());
        assertThat(number(bench, "finalizer.memory")).isEqualTo(finalizer.memoryMb());
        assertThat(number(bench, "finalizer.batchSize")).isEqualTo(finalizer.batchSize());
    }

    private static int number(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }
}
