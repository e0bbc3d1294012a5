package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's batch APIs as the providers' official Java clients use them: OpenAI's Files and Batches
 * ({@code com.openai:openai-java}) and Anthropic's Message Batches ({@code com.anthropic:anthropic-java}): upload,
 * create, status, results, an error per line, expiry, in progress until the batch's time has come.
 */
class BatchConformanceIT {
    private static final String GPT = "gpt-4o-mini";
    private static final String FAILING = "gpt-failing";
    private static final String CLAUDE = "claude-haiku-4-5";
    private static final LlmSimulator SIMULATOR = LlmSimulator.start();
    private static final OpenAIClient OPENAI = OpenAIOkHttpClient.builder()
            .baseUrl(SIMULATOR.endpoint() + "/v1")
            .apiKey("sk-test")
            .maxRetries(0)
            .build();
    private static final AnthropicClient ANTHROPIC = AnthropicOkHttpClient.builder()
            .baseUrl(SIMULATOR.endpoint().toString())
            .apiKey("sk-ant-test")
            .maxRetries(0)
            .build();

    @BeforeEach
    void reset() {
        SIMULATOR.reset();
        SIMULATOR.configure(GPT, ModelBehaviour.DEFAULT.withScript("batch answer"));
        SIMULATOR.configure(CLAUDE, ModelBehaviour.DEFAULT.withScript("claude batch answer"));
    }

    @AfterAll
    static void stop() {
        OPENAI.close();
        ANTHROPIC.close();
        SIMULATOR.close();
    }

    private static String line(String customId, String model, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"" + model + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}}";
    }

    private static String upload(String... lines) {
        FileObject file = OPENAI.files()
                .create(FileCreateParams.builder()
                        .file(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                        .purpose(FilePurpose.BATCH)
                        .build());
        assertThat(file.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        return file.id();
    }

    private static Batch create(String fileId) {
        return OPENAI.batches()
                .create(BatchCreateParams.builder()
                        .inputFileId(fileId)
                        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H)
                        .build());
    }

    private static Map<String, JsonNode> lines(String fileId) throws IOException {
        try (var response = OPENAI.files().content(fileId);
                InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(l -> {
                        try {
                            return WireFormat.JSON.readTree(l);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .collect(Collectors.toMap(n -> n.path("custom_id").asText(), n -> n));
        }
    }

    @Test
    void anOpenAiBatchAnswersEachLineWithAnErrorLineForAFaultedOne() throws IOException {
        SIMULATOR.failNext(FAILING, 500, 1);
        String fileId = upload(line("a", GPT, "one"), line("b", GPT, "two"), line("c", FAILING, "three"));

        Batch created = create(fileId);
        assertThat(created.status()).isEqualTo(Batch.Status.VALIDATING);
        Batch done = OPENAI.batches().retrieve(created.id());

        assertThat(done.status()).isEqualTo(Batch.Status.COMPLETED);
        assertThat(done.requestCounts().orElseThrow().total()).isEqualTo(3);
        assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(2);
        assertThat(done.requestCounts().orElseThrow().failed()).isEqualTo(1);
        Map<String, JsonNode> output = lines(done.outputFileId().orElseThrow());
        assertThat(output).containsOnlyKeys("a", "b");
        assertThat(output.get("a").path("response").path("status_code").asInt()).isEqualTo(200);
        assertThat(output.get("a")
                        .path("response")
                        .path("body")
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("batch answer");
        Map<String, JsonNode> errors = lines(done.errorFileId().orElseThrow());
        assertThat(errors.get("c").path("response").path("status_code").asInt()).isEqualTo(500);
        // Lines are model calls; uploads, creates and looks are not.
        assertThat(SIMULATOR.totalCalls()).isEqualTo(3);
    }

    @Test
    void anOpenAiBatchIsInProgressUntilItsTimeAndAnExpiredOneFailsEveryLine() throws IOException {
        SIMULATOR.batchProcessing(Duration.ofHours(1));
        Batch waiting =
                OPENAI.batches().retrieve(create(upload(line("a", GPT, "one"))).id());
        assertThat(waiting.status()).isEqualTo(Batch.Status.IN_PROGRESS);
        assertThat(waiting.outputFileId()).isEmpty();

        SIMULATOR.batchProcessing(Duration.ZERO).expireNextBatches(1);
        Batch expired = OPENAI.batches()
                .retrieve(create(upload(line("x", GPT, "one"), line("y", GPT, "two")))
                        .id());

        assertThat(expired.status()).isEqualTo(Batch.Status.EXPIRED);
        assertThat(expired.outputFileId()).isEmpty();
        assertThat(lines(expired.errorFileId().orElseThrow()).values())
                .hasSize(2)
                .allSatisfy(
                        l -> assertThat(l.path("error").path("code").asText()).isEqualTo("batch_expired"));
        assertThat(SIMULATOR.totalCalls()).isZero();
    }

    @Test
    void anOpenAiBatchOfAnUnknownFileIsRefusedAndOneWithABadLineFails() {
        assertThatThrownBy(() -> create("file-none"))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("input_file_id");
        String bad = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}";
        Batch failed = create(upload(bad));
        assertThat(failed.status()).isEqualTo(Batch.Status.FAILED);
        assertThat(failed.errors().orElseThrow().data().orElseThrow().getFirst().code())
                .hasValue("mismatched_endpoint");
    }

    private static com.anthropic.models.messages.batches.BatchCreateParams.Request request(
            String customId, String model, String prompt) {
        return com.anthropic.models.messages.batches.BatchCreateParams.Request.builder()
                .customId(customId)
                .params(com.anthropic.models.messages.batches.BatchCreateParams.Request.Params.builder()
                        .model(model)
                        .maxTokens(50)
                        .addUserMessage(prompt)
                        .build())
                .build();
    }

    private static MessageBatch createMessages(
            List<com.anthropic.models.messages.batches.BatchCreateParams.Request> requests) {
        return ANTHROPIC
                .messages()
                .batches()
                .create(com.anthropic.models.messages.batches.BatchCreateParams.builder()
                        .requests(requests)
                        .build());
    }

    private static Map<String, MessageBatchIndividualResponse> results(String id) {
        try (StreamResponse<MessageBatchIndividualResponse> results =
                ANTHROPIC.messages().batches().resultsStreaming(id)) {
            return results.stream().collect(Collectors.toMap(MessageBatchIndividualResponse::customId, r -> r));
        }
    }

    @Test
    void anAnthropicMessageBatchEndsWithEachResultSucceededOrErrored() {
        SIMULATOR.failNext("claude-failing", 529, 1);
        MessageBatch created =
                createMessages(List.of(request("one", CLAUDE, "hello"), request("two", "claude-failing", "hi")));
        assertThat(created.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.IN_PROGRESS);

        MessageBatch ended = ANTHROPIC.messages().batches().retrieve(created.id());

        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertThat(ended.requestCounts().succeeded()).isEqualTo(1);
        assertThat(ended.requestCounts().errored()).isEqualTo(1);
        assertThat(ended.resultsUrl()).hasValueSatisfying(url -> assertThat(url).startsWith("http"));
        Map<String, MessageBatchIndividualResponse> results = results(created.id());
        assertThat(results.get("one").result().isSucceeded()).isTrue();
        assertThat(results.get("one")
                        .result()
                        .succeeded()
                        .orElseThrow()
                        .message()
                        .content()
                        .getFirst()
                        .asText()
                        .text())
                .isEqualTo("claude batch answer");
        assertThat(results.get("two").result().isErrored()).isTrue();
        assertThat(SIMULATOR.totalCalls()).isEqualTo(2);
    }

    @Test
    void anAnthropicMessageBatchThatExpiresSaysSoForEachRequest() {
        SIMULATOR.expireNextBatches(1);
        MessageBatch created = createMessages(List.of(request("a", CLAUDE, "x"), request("b", CLAUDE, "y")));
        assertThat(ANTHROPIC
                        .messages()
                        .batches()
                        .retrieve(created.id())
                        .requestCounts()
                        .expired())
                .isEqualTo(2);
        assertThat(results(created.id()).values())
                .allSatisfy(r -> assertThat(r.result().isExpired()).isTrue());
    }

    @Test
    void anAnthropicMessageBatchWithARepeatedCustomIdIsRefused() {
        assertThatThrownBy(() -> createMessages(List.of(request("a", CLAUDE, "x"), request("a", CLAUDE, "y"))))
                .isInstanceOf(com.anthropic.errors.BadRequestException.class)
                .hasMessageContaining("repeats");
    }
}
