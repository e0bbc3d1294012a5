package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the embedded Lucene store, the ingestor reads, changes and writes back one index snapshot: one instance at a
 * time, or concurrent ingests overwrite each other. Other stores take concurrent writers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestorSingleWriterTest {
    @Test
    void withLuceneTheIngestorHasReservedConcurrencyOneAndAMappingThatFits() {
        StackRun dev = StackRun.of("dev");
        assertThat(dev.config.get("sluice:vectorStore")).isEqualTo("lucene");

        StackRun.Created ingestor = dev.one(Types.FUNCTION, dev.prefix() + "-ingestor");
        assertThat(ingestor.integer("reservedConcurrentExecutions")).isEqualTo(1);
        assertThat(ingestor.integer("timeout")).isEqualTo(900);
        StackRun.Created esm = dev.one(Types.ESM, dev.prefix() + "-ingestor-esm");
        assertThat(esm.integer("batchSize")).isEqualTo(10);
        assertThat(esm.integer("maximumBatchingWindowInSeconds")).isEqualTo(10);
        assertThat(((Number) esm.map("scalingConfig").get("maximumConcurrency")).intValue())
                .isEqualTo(2);
        // Six times the timeout plus the window: a serialised batch is never redelivered while it runs.
        assertThat(dev.one(Types.QUEUE, dev.prefix() + "-ingest").integer("visibilityTimeoutSeconds"))
                .isEqualTo(6 * 900 + 10);
        for (String other : List.of("dispatcher", "processor", "finalizer")) {
            assertThat(dev.one(Types.FUNCTION, dev.prefix() + "-" + other).inputs())
                    .doesNotContainKey("reservedConcurrentExecutions");
        }
    }

    @Test
    void withAClusteredStoreTheIngestorScalesOut() {
        StackRun staging = StackRun.of("staging");
        assertThat(staging.config.get("sluice:vectorStore")).isEqualTo("opensearch");
        assertThat(staging.one(Types.FUNCTION, staging.prefix() + "-ingestor").inputs())
                .doesNotContainKey("reservedConcurrentExecutions");
        assertThat(((Number) staging.one(Types.ESM, staging.prefix() + "-ingestor-esm")
                                .map("scalingConfig")
                                .get("maximumConcurrency"))
                        .intValue())
                .isEqualTo(5);
    }

    @Test
    void anOverrideCannotGiveTheLuceneIngestorASecondWriter() {
        Tree overrides = Tree.parse("f", "{\"ingestor\":{\"reservedConcurrency\":3}}");
        assertThatThrownBy(() -> FunctionSettings.from(FunctionRole.INGESTOR, overrides, "lucene"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingestor.reservedConcurrency")
                .hasMessageContaining("lucene");
        assertThat(FunctionSettings.from(FunctionRole.INGESTOR, overrides, "pinecone")
                        .reservedConcurrency())
                .contains(3);
        Tree batch = Tree.parse("f", "{\"ingestor\":{\"batchSize\":4}}");
        assertThat(FunctionSettings.from(FunctionRole.INGESTOR, batch, "lucene").batchSize())
                .isEqualTo(4);
    }

    @Test
    void fargateWorkersCannotScaleOutOverTheEmbeddedIndex() {
        assertThatThrownBy(() ->
                        StackRun.of("staging", Map.of("sluice:consumers", "fargate", "sluice:vectorStore", "lucene")))
                .hasMessageContaining("sluice:fargate.maxTasks: must be 1 with vectorStore lucene");
    }
}
