package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Step;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The program reads the pipeline document as the functions will: the document it delivers, with the environment it
 * gives them, through the functions' own loader ({@link ConfigSource}, as at init). Were the two to differ, the
 * processor's concurrency would be sized for buckets the limiter does not count, and IAM would grant secrets, models
 * and indexes the functions do not use, and nothing would fail.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RuntimeAgreementTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyStackExampleSizesTheProcessorForTheBucketsTheFunctionsCount(String stack) {
        agreement(StackRun.of(stack));
    }

    @Test
    void placeholdersResolveAsAtTheFunctionsInit() {
        String pipeline = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"model\":\"gpt-4o-mini\"", "\"model\":\"${FAST_MODEL:-gpt-4o-mini}\"")
                .replace("\"rpm\":500", "\"rpm\":\"${FAST_RPM:-500}\"")
                .replace(
                        "\"apiKeySecret\":\"sluice/openai\"",
                        "\"apiKeySecret\":\"sluice/openai\",\"account\":\"${FAST_ACCOUNT}\","
                                + "\"store\":\"${SLUICE_VECTOR_STORE}\"");
        assertThat(pipeline).contains("${FAST_MODEL:-", "${FAST_RPM:-", "${FAST_ACCOUNT}");
        StackRun run = StackRun.of(
                "dev",
                Map.of(
                        "sluice:pipeline",
                        pipeline,
                        "sluice:environment",
                        "{\"FAST_MODEL\":\"gpt-4.1-mini\",\"FAST_ACCOUNT\":\"team-a\",\"FAST_RPM\":\"1000\"}"));
        ModelSpec fast = agreement(run).model("fast").orElseThrow();
        assertThat(fast.limiterKey()).isEqualTo("openai:gpt-4.1-mini:team-a");
        assertThat(fast.limits().rpm()).isEqualTo(1000);
        // A variable the program sets from the settings resolves to the value the functions get.
        assertThat(fast.option("store")).contains("lucene");
        // 1000 rpm / 60 x 6 s = 100 in flight, in batches of 50.
        assertThat(run.outputs.get("processorMaxConcurrency")).isEqualTo(2);
    }

    @Test
    void aPlaceholderTheFunctionsCouldNotResolveFailsThePreviewWithTheirSentence() {
        String pipeline = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"model\":\"gpt-4o-mini\"", "\"model\":\"${TEAM_MODEL}\"");
        String sentence = " refers to ${TEAM_MODEL}, which is not set and has no default";
        assertThatThrownBy(() -> ConfigSource.parse(pipeline, "s3://sluice-dev-bucket/config/sluice.yaml"))
                .hasMessage("s3://sluice-dev-bucket/config/sluice.yaml" + sentence);
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:pipeline", pipeline)))
                .hasMessageContaining("sluice:pipeline" + sentence);
        // Blank is not set, in the functions' environment as here.
        assertThatThrownBy(() -> StackRun.of(
                        "dev", Map.of("sluice:pipeline", pipeline, "sluice:environment", "{\"TEAM_MODEL\":\" \"}")))
                .hasMessageContaining("sluice:pipeline" + sentence);
    }

    @Test
    void aPlaceholderTheProgramCannotResolveAsTheFunctionsWillIsRefused() {
        String bucket = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace("\"apiKeySecret\":\"sluice/openai\"", "\"apiKeySecret\":\"${SLUICE_BUCKET}\"");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:pipeline", bucket)))
                .hasMessageContaining(
                        "sluice:pipeline refers to ${SLUICE_BUCKET}, which the program sets from what it" + " deploys");
        // With a default the program would take it, where the functions take the runtime's region.
        String region = StackRun.stackConfig("dev")
                .get("sluice:pipeline")
                .replace(
                        "\"apiKeySecret\":\"sluice/openai\"",
                        "\"apiKeySecret\":\"sluice/openai\",\"region\":\"${AWS_REGION:-us-east-1}\"");
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:pipeline", region)))
                .hasMessageContaining("sluice:pipeline refers to ${AWS_REGION}, which the Lambda or ECS runtime sets");
    }

    /** The functions' parse of what the run delivered, after checking the program read the same. */
    private static SluiceConfig agreement(StackRun run) {
        String document = run.one(Types.BUCKET_OBJECT, run.prefix() + "-config").string("content");
        @SuppressWarnings("unchecked")
        Map<String, String> environment = (Map<String, String>) run.one(Types.FUNCTION, run.prefix() + "-processor")
                .map("environment")
                .get("variables");
        SluiceConfig functions = withEnvironment(
                environment, () -> ConfigSource.parse(document, "s3://" + run.prefix() + "-bucket/config/sluice.yaml"));
        PipelineConfig program = run.settings.pipeline();
        assertThat(program.yaml()).isEqualTo(document);

        // Model by model: the bucket the program sizes the processor for is the one the functions' limiter counts.
        assertThat(program.models())
                .extracting(ModelSpec::alias)
                .hasSameElementsAs(functions.models().keySet());
        for (ModelSpec m : program.models()) {
            ModelSpec theirs = functions.model(m.alias()).orElseThrow();
            assertThat(m.limiterKey()).as(m.alias()).isEqualTo(theirs.limiterKey());
            assertThat(m.limits()).as(m.alias()).isEqualTo(theirs.limits());
        }
        Set<String> called = functions.pipelines().values().stream()
                .flatMap(p -> p.steps().stream())
                .filter(s -> s instanceof Step.Generate)
                .map(s -> ((Step.Generate) s).model())
                .collect(Collectors.toSet());
        assertThat(program.usedAliases()).isEqualTo(called);
        List<ModelSpec> theirPrimaries =
                called.stream().map(a -> functions.model(a).orElseThrow()).toList();
        int tokens = run.settings.tokensPerCall();
        assertThat(Concurrency.buckets(program.primaryModels(), tokens))
                .isEqualTo(Concurrency.buckets(theirPrimaries, tokens))
                .containsOnlyKeys(theirPrimaries.stream()
                        .filter(m -> m.limits().rpm() > 0
                                || m.limits().tpm() > 0
                                || m.limits().inputTpm() > 0)
                        .map(ModelSpec::limiterKey)
                        .collect(Collectors.toSet()));
        FunctionSettings processor = run.settings.function(FunctionRole.PROCESSOR);
        assertThat(run.outputs.get("processorMaxConcurrency"))
                .isEqualTo(processor
                        .maxConcurrency()
                        .orElse(Concurrency.processor(
                                theirPrimaries, run.settings.expectedLatencySeconds(), tokens, processor.batchSize())));
        // And the rest IAM and the timeouts are derived from: secrets, Bedrock ids and regions, indexes, pipelines.
        assertThat(program.config()).isEqualTo(functions);
        return functions;
    }

    /** Runs {@code action} with the function's variables as system properties, which the runtime's Env reads first. */
    private static <T> T withEnvironment(Map<String, String> variables, Supplier<T> action) {
        Map<String, String> before = new HashMap<>();
        variables.forEach((k, v) -> {
            before.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
        try {
            return action.get();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }
}
