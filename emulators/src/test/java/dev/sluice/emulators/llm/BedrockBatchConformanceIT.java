package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.emulators.s3.S3BatchStorage;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationJobStatus;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Bedrock's batch inference as the AWS SDK's control plane client ({@code bedrock}) drives it, with input and output
 * in S3 (s3proxy): a model invocation job reads JSONL records, answers each as InvokeModel would, writes the output
 * and a manifest, fails the records a scripted fault hits, and can expire.
 */
@ExtendWith(S3ProxyExtension.class)
class BedrockBatchConformanceIT {
    private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String BUCKET = "bedrock-batch";
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final BedrockClient BEDROCK = BedrockClient.builder()
            .endpointOverride(SIMULATOR.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    private static S3Client s3;

    @BeforeEach
    void reset(S3ProxyServer server) {
        if (s3 == null) {
            s3 = S3Client.builder()
                    .endpointOverride(server.endpoint())
                    .forcePathStyle(true)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        SIMULATOR.reset();
        // Jobs of a record or two below; Bedrock's minimum of 100 is tested on its own.
        SIMULATOR.bedrockBatchMinimumRecords(1);
        SIMULATOR.configure(MODEL, ModelBehaviour.DEFAULT.withScript("bedrock batch answer"));
        SIMULATOR.bedrockBatchStorage(new S3BatchStorage(s3));
    }

    @AfterAll
    static void stop() {
        BEDROCK.close();
        SIMULATOR.close();
        if (s3 != null) {
            s3.close();
        }
    }

    private static String record(String id, String prompt) {
        return "{\"recordId\":\"" + id + "\",\"modelInput\":{\"anthropic_version\":\"bedrock-2023-05-31\","
                + "\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}}";
    }

    private static String submit(String run, String... records) {
        return submitWithToken(run, null, records);
    }

    private static String submitWithToken(String run, String token, String... records) {
        s3.putObject(
                b -> b.bucket(BUCKET).key(run + "/input/records.jsonl"),
                RequestBody.fromString(String.join("\n", records)));
        return BEDROCK.createModelInvocationJob(b -> b.jobName(run)
                        .clientRequestToken(token)
                        .modelId(MODEL)
                        .roleArn("arn:aws:iam::000000000000:role/batch")
                        .inputDataConfig(i -> i.s3InputDataConfig(s -> s.s3Uri("s3://" + BUCKET + "/" + run + "/input/")
                                .s3InputFormat("JSONL")))
                        .outputDataConfig(
                                o -> o.s3OutputDataConfig(s -> s.s3Uri("s3://" + BUCKET + "/" + run + "/output/"))))
                .jobArn();
    }

    private static Map<String, JsonNode> output(String run, String jobArn) throws IOException {
        String jobId = jobArn.substring(jobArn.lastIndexOf('/') + 1);
        String text = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(run + "/output/" + jobId + "/records.jsonl.out"))
                .asString(StandardCharsets.UTF_8);
        return text.lines()
                .map(l -> {
                    try {
                        return WireFormat.JSON.readTree(l);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toMap(n -> n.path("recordId").asText(), n -> n));
    }

    @Test
    void aJobAnswersEachRecordIntoS3WithAManifestAndAnErrorForAFaultedOne() throws IOException {
        String arn = submit("run-1", record("r1", "one"), record("r2", "two"));
        // Records are answered in order when the job ends (at this first look): the first gets the scripted text.
        SIMULATOR.answerNext(MODEL, "first", 1);
        GetModelInvocationJobResponse done = BEDROCK.getModelInvocationJob(b -> b.jobIdentifier(arn));

        assertThat(done.status()).isEqualTo(ModelInvocationJobStatus.COMPLETED);
        assertThat(done.jobName()).isEqualTo("run-1");
        assertThat(done.endTime()).isNotNull();
        Map<String, JsonNode> records = output("run-1", arn);
        assertThat(records).containsOnlyKeys("r1", "r2");
        assertThat(records.get("r1")
                        .path("modelOutput")
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("first");
        assertThat(records.get("r2").path("modelInput").path("max_tokens").asInt())
                .isEqualTo(50);
        String jobId = arn.substring(arn.lastIndexOf('/') + 1);
        JsonNode manifest = WireFormat.JSON.readTree(
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("run-1/output/" + jobId + "/manifest.json.out"))
                        .asUtf8String());
        assertThat(manifest.path("successRecordCount").asInt()).isEqualTo(2);
        assertThat(SIMULATOR.totalCalls()).isEqualTo(2);

        SIMULATOR.failNext(MODEL, 400, 1);
        String partial = submit("run-2", record("a", "x"), record("b", "y"));
        assertThat(BEDROCK.getModelInvocationJob(b -> b.jobIdentifier(partial)).status())
                .isEqualTo(ModelInvocationJobStatus.PARTIALLY_COMPLETED);
        Map<String, JsonNode> mixed = output("run-2", partial);
        assertThat(mixed.values().stream().filter(r -> r.has("error")).toList())
                .singleElement()
                .satisfies(r ->
                        assertThat(r.path("error").path("errorCode").asInt()).isEqualTo(400));
    }

    @Test
    void aJobIsInProgressUntilItsTimeAndOneThatExpiresSaysSo() {
        SIMULATOR.batchProcessing(Duration.ofHours(1));
        String waiting = submit("run-3", record("r1", "one"));
        assertThat(BEDROCK.getModelInvocationJob(b -> b.jobIdentifier(waiting)).status())
                .isEqualTo(ModelInvocationJobStatus.IN_PROGRESS);

        SIMULATOR.batchProcessing(Duration.ZERO).expireNextBatches(1);
        String expiring = submit("run-4", record("r1", "one"));
        assertThat(BEDROCK.getModelInvocationJob(b -> b.jobIdentifier(expiring)).status())
                .isEqualTo(ModelInvocationJobStatus.EXPIRED);
        assertThat(SIMULATOR.totalCalls()).isZero();
        assertThat(BEDROCK.listModelInvocationJobs(b -> {}).invocationJobSummaries())
                .hasSize(2);
    }

    @Test
    void aJobOfFewerRecordsThanBedrocksMinimumFailsSayingSo() {
        SIMULATOR.bedrockBatchMinimumRecords(100);
        String[] records = new String[99];
        for (int i = 0; i < records.length; i++) {
            records[i] = record("r" + i, "call " + i);
        }
        String arn = submit("run-5", records);
        GetModelInvocationJobResponse job = BEDROCK.getModelInvocationJob(b -> b.jobIdentifier(arn));
        assertThat(job.status()).isEqualTo(ModelInvocationJobStatus.FAILED);
        assertThat(job.message()).contains("99 records").contains("at least 100");
        assertThat(SIMULATOR.totalCalls()).isZero();
    }

    @Test
    void theSameClientRequestTokenCreatesOneJobAndABadJobNameIsRefused() {
        String first = submitWithToken("run-6", "token-6", record("r1", "one"));
        String again = submitWithToken("run-6", "token-6", record("r1", "one"));
        assertThat(again).isEqualTo(first);
        assertThat(BEDROCK.listModelInvocationJobs(b -> {}).invocationJobSummaries())
                .hasSize(1);
        assertThatThrownBy(() -> submit("not a name!", record("r1", "one")))
                .isInstanceOf(software.amazon.awssdk.services.bedrock.model.ValidationException.class)
                .hasMessageContaining("jobName");
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertThatThrownBy(() -> BEDROCK.getModelInvocationJob(b -> b.jobIdentifier("nope")))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
