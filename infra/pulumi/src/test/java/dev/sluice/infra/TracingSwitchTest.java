package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sluice:tracing}: off by default; {@code otlp} points every function at a collector; {@code xray} turns on
 * Lambda active tracing with the ADOT collector layer and the X-Ray grants, nothing else.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracingSwitchTest {
    private static final String LAYER =
            "arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1";
    private static final List<String> FUNCTIONS = List.of("dispatcher", "processor", "finalizer", "ingestor");

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(StackRun run, String function) {
        return (Map<String, String>) run.one(Types.FUNCTION, "sluice-staging-" + function)
                .map("environment")
                .get("variables");
    }

    @Test
    void offByDefaultNoFunctionExportsOrIsTraced() {
        StackRun run = StackRun.of("staging");
        for (String f : FUNCTIONS) {
            assertThat(env(run, f)).doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
            assertThat(run.one(Types.FUNCTION, "sluice-staging-" + f).inputs()).doesNotContainKey("tracingConfig");
            assertThat(IamPolicyTest.policyGrants(run, f)).noneMatch(g -> g.startsWith("xray:"));
        }
    }

    @Test
    void otlpSendsEveryFunctionsSpansToTheCollector() {
        StackRun run = StackRun.of(
                "staging",
                Map.of("sluice:tracing", "{\"mode\":\"otlp\",\"endpoint\":\"https://otel.example.com:4318\"}"));
        for (String f : FUNCTIONS) {
            assertThat(env(run, f)).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com:4318");
            assertThat(run.one(Types.FUNCTION, "sluice-staging-" + f).inputs()).doesNotContainKey("tracingConfig");
        }
    }

    @Test
    void xrayIsActiveTracingWithTheCollectorLayerAndTheXrayGrants() {
        StackRun run = StackRun.of(
                "staging", Map.of("sluice:tracing", "{\"mode\":\"xray\",\"collectorLayerArn\":\"" + LAYER + "\"}"));
        for (String f : FUNCTIONS) {
            StackRun.Created function = run.one(Types.FUNCTION, "sluice-staging-" + f);
            assertThat(function.map("tracingConfig")).containsEntry("mode", "Active");
            assertThat(function.list("layers")).contains(LAYER);
            assertThat(env(run, f)).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318");
            assertThat(IamPolicyTest.policyGrants(run, f))
                    .contains("xray:PutTraceSegments *", "xray:PutTelemetryRecords *");
        }
    }

    @Test
    void aTracingSettingThatCannotWorkIsRefusedWithWhatItNeeds() {
        assertThatThrownBy(() -> StackRun.of("staging", Map.of("sluice:tracing", "{\"mode\":\"otlp\"}")))
                .hasStackTraceContaining("sluice:tracing.endpoint: mode otlp needs the collector's OTLP/HTTP base URL");
        assertThatThrownBy(() -> StackRun.of("staging", Map.of("sluice:tracing", "{\"mode\":\"xray\"}")))
                .hasStackTraceContaining("sluice:tracing.collectorLayerArn: mode xray needs the ARN");
        assertThatThrownBy(() -> StackRun.of("staging", Map.of("sluice:tracing", "{\"mode\":\"jaeger\"}")))
                .hasStackTraceContaining("sluice:tracing.mode: must be off, otlp or xray (got 'jaeger')");
    }
}
