package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Versions are published only where SnapStart or provisioned concurrency needs one, the two are never combined
 * (Lambda refuses it), and the old versions {@code pulumi up} leaves behind are pruned by {@code prune-versions.sh}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PublishedVersionsTest {
    @Test
    void snapStartWithProvisionedConcurrencyIsRefusedBeforeAnythingIsCreated() {
        String functions = "{\"dispatcher\":{\"provisionedConcurrency\":2},\"processor\":{\"memory\":2048}}";
        assertThatThrownBy(() -> StackRun.of("prod", Map.of("sluice:functions", functions)))
                .hasMessageContaining("sluice:functions.dispatcher.provisionedConcurrency: 2 cannot be combined with"
                        + " sluice:snapStart: true")
                .hasMessageContaining("does not support provisioned concurrency on a SnapStart version")
                .hasMessageContaining("choose one");
        assertThatThrownBy(() -> StackRun.of(
                        "dev",
                        Map.of(
                                "sluice:snapStart",
                                "true",
                                "sluice:functions",
                                "{\"ingestor\":{\"provisionedConcurrency\":1}}")))
                .hasMessageContaining("sluice:functions.ingestor.provisionedConcurrency: 1 cannot be combined with"
                        + " sluice:snapStart: true");
    }

    @Test
    void provisionedConcurrencyAlonePublishesThatFunctionOnlyBehindItsAlias() {
        StackRun run =
                StackRun.of("dev", Map.of("sluice:functions", "{\"dispatcher\":{\"provisionedConcurrency\":2}}"));
        String p = run.prefix();
        StackRun.Created dispatcher = run.one(Types.FUNCTION, p + "-dispatcher");
        assertThat(dispatcher.inputs()).containsEntry("publish", true).doesNotContainKey("snapStart");
        assertThat(run.one(Types.ALIAS, p + "-dispatcher-alias").inputs())
                .containsEntry("name", Functions.ALIAS)
                .containsEntry("functionVersion", "1");
        StackRun.Created provisioned = run.one(Types.PROVISIONED, p + "-dispatcher-provisioned");
        assertThat(provisioned.integer("provisionedConcurrentExecutions")).isEqualTo(2);
        assertThat(provisioned.inputs()).containsEntry("qualifier", Functions.ALIAS);
        for (String key : List.of("processor", "finalizer", "ingestor")) {
            assertThat(run.one(Types.FUNCTION, p + "-" + key).inputs()).as(key).containsEntry("publish", false);
        }
        assertThat(run.all(Types.ALIAS)).hasSize(1);
        assertThat(run.outputs)
                .containsEntry("publishedFunctions", List.of(p + "-dispatcher"))
                .containsEntry("keepVersions", StackSettings.DEFAULT_KEEP_VERSIONS);
    }

    @Test
    void keepVersionsIsConfigurableAndNotNegative() {
        assertThat(StackRun.of("prod", Map.of("sluice:keepVersions", "1")).outputs)
                .containsEntry("keepVersions", 1);
        assertThatThrownBy(() -> StackRun.of("prod", Map.of("sluice:keepVersions", "-1")))
                .hasMessageContaining("sluice:keepVersions: must be 0 or more");
    }

    @Test
    void thePruningScriptParsesAndReadsWhatTheProgramExports() throws Exception {
        Path script = Path.of("prune-versions.sh");
        assertThat(Files.isExecutable(script)).isTrue();
        Process bash = new ProcessBuilder("bash", "-n", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor()).as(out).isZero();
        assertThat(Files.readString(script))
                .contains("pulumi stack output publishedFunctions", "pulumi stack output keepVersions")
                .contains("list-aliases", "list-versions-by-function", "delete-function")
                .contains("$LATEST");
    }
}
