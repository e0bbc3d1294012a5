package dev.sluice.adapter.llm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.llm.SharedSimulator;
import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.emulators.llm.LlmSimulator;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.emulators.s3.S3BatchStorage;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Bedrock's batch inference as sluice's batcher uses it, against the simulator's model invocation jobs and a real S3
 * stand-in: a window's calls written as records in each model family's body, one job over them, in progress until its
 * time, then each answer (with its usage) or error read back and mapped to its call.
 */
class BedrockBatchesIT {
    private static final LlmSimulator SIMULATOR = SharedSimulator.get();
    private static final String ROLE = "arn:aws:iam::000000000000:role/sluice-test-bedrock-batch";
    private static S3Client s3;
    private static String bucket;

    @BeforeAll
    static void storage() {
        S3ProxyServer server = S3ProxyServer.shared();
        s3 = S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        bucket = "bedrock-batches-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
    }

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
        SIMULATOR.batchProcessing(Duration.ZERO);
        SIMULATOR.bedrockBatchStorage(new S3BatchStorage(s3));
    }

    private static ModelSpec spec(String modelId) {
        return new ModelSpec(
                "deep",
                "bedrock",
                modelId,
                0.0,
                64,
                RateLimits.NONE,
                Prices.FREE,
                List.of(),
                Map.of("baseUrl", SIMULATOR.endpoint().toString(), "credentials", "local"),
                Optional.of(new BatchRoute(Duration.ofMinutes(30), Duration.ofHours(24), Prices.FREE)));
    }

    private static BatchModel batches(ModelSpec spec) {
        return BatchModels.create(
                List.of(spec),
                name -> Optional.empty(),
                Optional.of(new BedrockBatchStorage(s3, bucket, ROLE)),
                Duration.ofSeconds(10));
    }

    private static List<BatchModel.Request> requests(int n, String tag) {
        List<BatchModel.Request> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new BatchModel.Request(
                    String.format("%s%060d", tag, i), i % 2 == 0 ? "Be brief." : "", "Question " + i + " " + tag));
        }
        return out;
    }

    private static Map<String, BatchModel.Result> byId(BatchModel.Status.Ended ended) {
        return ended.results().stream().collect(Collectors.toMap(BatchModel.Result::customId, Function.identity()));
    }

    private static int jobsListed() {
        try {
            var reply = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(SIMULATOR.endpoint() + "/model-invocation-jobs"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return BatchHttp.JSON
                    .readTree(reply.body())
                    .path("invocationJobSummaries")
                    .size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String object(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
    }

    private static List<String> keys(String prefix) {
        return s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "anthropic.claude-3-haiku-20240307-v1:0",
                "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                "amazon.nova-lite-v1:0",
                "meta.llama3-8b-instruct-v1:0"
            })
    void aWindowIsOneJobWhoseRecordsComeBackAnsweredWithTheirUsage(String modelId) throws Exception {
        ModelSpec spec = spec(modelId);
        boolean llama = modelId.contains("meta.");
        SIMULATOR.configure(
                modelId, ModelBehaviour.DEFAULT.withScript("batched on bedrock").withCachedInputTokens(llama ? 0 : 3));
        BatchModel batches = batches(spec);
        List<BatchModel.Request> calls = requests(120, "a");

        String arn = batches.submit(spec, "sluice-deep-" + modelId.length(), calls);

        String folder = BedrockBatches.PREFIX + BedrockBatches.jobName("deep", "sluice-deep-" + modelId.length()) + "/";
        JsonNode firstRecord = BatchHttp.JSON.readTree(
                object(folder + "input.jsonl").lines().findFirst().orElseThrow());
        assertThat(firstRecord.path("recordId").asText()).hasSize(11);
        JsonNode body = firstRecord.path("modelInput");
        if (modelId.contains("anthropic.")) {
            assertThat(body.path("anthropic_version").asText()).isEqualTo("bedrock-2023-05-31");
            assertThat(body.path("system").asText()).isEqualTo("Be brief.");
            assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        } else if (modelId.contains("amazon.nova")) {
            assertThat(body.path("schemaVersion").asText()).isEqualTo("messages-v1");
            assertThat(body.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
            assertThat(body.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(64);
        } else {
            assertThat(body.path("prompt").asText())
                    .startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>")
                    .endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n");
            assertThat(body.path("max_gen_len").asInt()).isEqualTo(64);
        }

        assertThat(arn).startsWith("arn:aws:bedrock:");
        BatchModel.Status status = batches.status(spec, arn);
        assertThat(status).isInstanceOf(BatchModel.Status.Ended.class);
        BatchModel.Status.Ended ended = (BatchModel.Status.Ended) status;
        assertThat(ended.expired()).isFalse();
        Map<String, BatchModel.Result> results = byId(ended);
        assertThat(results.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        calls.stream().map(BatchModel.Request::customId).toList());
        BatchModel.Result.Answered first =
                (BatchModel.Result.Answered) results.get(calls.get(0).customId());
        assertThat(results.values())
                .allSatisfy(r -> assertThat(
                                ((BatchModel.Result.Answered) r).completion().text())
                        .isEqualTo("batched on bedrock"));
        assertThat(first.completion().usage().input()).isGreaterThan(3);
        assertThat(first.completion().usage().output()).isPositive();
        assertThat(first.completion().usage().cachedInput())
                .as("cache reads counted, within the input")
                .isEqualTo(llama ? 0 : 3);
        assertThat(first.completion().modelId()).isEqualTo(modelId);
        assertThat(first.completion().raw()).contains("batched on bedrock");
        assertThat(SIMULATOR.calls(modelId)).isEqualTo(120);
        assertThat(keys(BedrockBatches.PREFIX)).anyMatch(k -> k.endsWith("/input.jsonl"));
    }

    @Test
    void aJobIsRunningUntilItsTimeAndTheSameWindowSentAgainGetsTheSameJob() {
        ModelSpec spec = spec("anthropic.claude-3-haiku-20240307-v1:0");
        BatchModel batches = batches(spec);
        SIMULATOR.batchProcessing(Duration.ofHours(1));
        List<BatchModel.Request> calls = requests(100, "b");

        String arn = batches.submit(spec, "sluice-deep-77", calls);
        String ids = object(BedrockBatches.PREFIX + BedrockBatches.jobName("deep", "sluice-deep-77") + "/records.json");
        List<BatchModel.Request> reordered = new ArrayList<>(calls.subList(1, calls.size()));
        reordered.add(calls.get(0));
        String again = batches.submit(spec, "sluice-deep-77", reordered);

        assertThat(again).as("Bedrock's create is idempotent by sluice's token").isEqualTo(arn);
        assertThat(object(BedrockBatches.PREFIX + BedrockBatches.jobName("deep", "sluice-deep-77") + "/records.json"))
                .as("the records the job may have read are kept")
                .isEqualTo(ids);
        assertThat(batches.status(spec, arn)).isInstanceOf(BatchModel.Status.Running.class);
        assertThat(SIMULATOR.calls(spec.modelId())).isZero();

        SIMULATOR.batchProcessing(Duration.ZERO);
        BatchModel.Status.Ended ended = (BatchModel.Status.Ended) batches.status(spec, arn);
        assertThat(byId(ended).keySet())
                .containsExactlyInAnyOrderElementsOf(
                        calls.stream().map(BatchModel.Request::customId).toList());
    }

    @Test
    void anErroredRecordSaysWhetherItIsWorthAnotherTry() {
        String modelId = "anthropic.claude-3-haiku-20240307-v1:0";
        ModelSpec spec = spec(modelId);
        BatchModel batches = batches(spec);
        SIMULATOR.failNext(modelId, 400, 1);
        List<BatchModel.Request> refused = requests(100, "c");
        Map<String, BatchModel.Result> first =
                byId((BatchModel.Status.Ended) batches.status(spec, batches.submit(spec, "sluice-deep-1", refused)));
        assertThat(first.values().stream().filter(r -> r instanceof BatchModel.Result.Errored))
                .singleElement()
                .satisfies(r -> {
                    BatchModel.Result.Errored e = (BatchModel.Result.Errored) r;
                    assertThat(e.error().permanent()).isTrue();
                    assertThat(e.error().status()).isEqualTo(400);
                });

        SIMULATOR.failNext(modelId, 500, 1);
        List<BatchModel.Request> failed = requests(100, "d");
        Map<String, BatchModel.Result> second =
                byId((BatchModel.Status.Ended) batches.status(spec, batches.submit(spec, "sluice-deep-2", failed)));
        assertThat(second.values().stream().filter(r -> r instanceof BatchModel.Result.Errored))
                .singleElement()
                .satisfies(
                        r -> assertThat(((BatchModel.Result.Errored) r).error().permanent())
                                .isFalse());
    }

    @Test
    void aWindowTooSmallForBedrockIsRefusedBeforeAnythingIsWritten() {
        ModelSpec spec = spec("amazon.nova-lite-v1:0");
        BatchModel batches = batches(spec);
        List<String> before = keys(BedrockBatches.PREFIX);

        assertThatThrownBy(() -> batches.submit(spec, "sluice-deep-small", requests(12, "e")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("takes at least 100 records a job; this window has 12")
                .satisfies(e -> assertThat(((PermanentException) e).kind()).isEqualTo(FailureKind.INVALID_REQUEST));
        assertThat(keys(BedrockBatches.PREFIX)).isEqualTo(before);
        assertThat(jobsListed()).as("no job created").isZero();
    }

    @Test
    void aWindowTooLargeForOneJobIsRefusedBeforeAnythingIsWritten() {
        ModelSpec spec = spec("anthropic.claude-3-haiku-20240307-v1:0");
        BatchModel batches = batches(spec);
        List<String> before = keys(BedrockBatches.PREFIX);

        assertThatThrownBy(() -> batches.submit(spec, "sluice-deep-large", requests(50_001, "g")))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("takes at most 50000 records a job; this window has 50001");
        assertThat(keys(BedrockBatches.PREFIX)).isEqualTo(before);
        assertThat(jobsListed()).as("no job created").isZero();
    }

    @Test
    void aJobBedrockFailsHasEachOfItsLinesAskedLiveWithTheJobsReason() {
        ModelSpec spec = spec("amazon.nova-lite-v1:0");
        BatchModel batches = batches(spec);
        // Bedrock validates a job after taking it; here it wants more records than the window holds.
        SIMULATOR.bedrockBatchMinimumRecords(150);
        List<BatchModel.Request> calls = requests(120, "h");

        BatchModel.Status status = batches.status(spec, batches.submit(spec, "sluice-deep-failing", calls));

        assertThat(status).isInstanceOf(BatchModel.Status.Ended.class);
        BatchModel.Status.Ended ended = (BatchModel.Status.Ended) status;
        assertThat(ended.expired())
                .as("not sent in another job that would fail the same way")
                .isFalse();
        assertThat(byId(ended).keySet())
                .containsExactlyInAnyOrderElementsOf(
                        calls.stream().map(BatchModel.Request::customId).toList());
        assertThat(ended.results()).allSatisfy(r -> {
            assertThat(r).isInstanceOf(BatchModel.Result.Errored.class);
            BatchModel.Result.Errored e = (BatchModel.Result.Errored) r;
            assertThat(e.error().permanent()).as("asked live").isFalse();
            assertThat(e.error().detail())
                    .contains("failed")
                    .contains("120 records")
                    .contains("at least 150");
        });
        assertThat(SIMULATOR.calls(spec.modelId())).isZero();
    }

    @Test
    void anExpiredJobEndsWithItsRecordsLeftToGoAgain() {
        ModelSpec spec = spec("meta.llama3-8b-instruct-v1:0");
        BatchModel batches = batches(spec);
        SIMULATOR.expireNextBatches(1);

        BatchModel.Status status = batches.status(spec, batches.submit(spec, "sluice-deep-9", requests(100, "f")));

        assertThat(status).isInstanceOf(BatchModel.Status.Ended.class);
        assertThat(((BatchModel.Status.Ended) status).expired()).isTrue();
        assertThat(((BatchModel.Status.Ended) status).results()).isEmpty();
    }
}
