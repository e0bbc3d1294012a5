package dev.sluice.domain.engine;

import static dev.sluice.domain.fake.TestConfig.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.config.ConfigException;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.SubmitJob;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A generate step with {@code cache: semantic}, end to end through the engine: a paraphrase of an earlier question is
 * answered with that answer, free, saying so; never for another tenant, over other retrieved chunks, for a question
 * that names another number or thing, below the threshold, or after the TTL.
 */
class SemanticCacheTest {
    private static final TenantId OTHER = new TenantId("globex");

    private static PipelineHarness harness(Object cache) {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> pipelines = (Map<String, Object>) tree.get("pipelines");
        Map<String, Object> ask = new HashMap<>(
                Map.of("generate", "answer", "model", "fast", "prompt", "Answer briefly: {{input.question}}"));
        ask.put("cache", cache);
        pipelines.put("ask-similar", TestConfig.pipeline(List.of("question"), List.of(ask), Map.of()));
        Map<String, Object> rag = new HashMap<>(Map.of(
                "generate",
                "answer",
                "model",
                "fast",
                "prompt",
                "Context:\n{{steps.context}}\n\nQuestion: {{input.question}}"));
        rag.put("cache", cache);
        pipelines.put(
                "rag-similar",
                TestConfig.pipeline(
                        List.of("question"),
                        List.of(
                                Map.of(
                                        "retrieve",
                                        "context",
                                        "index",
                                        "docs",
                                        "query",
                                        "{{input.question}}",
                                        "topK",
                                        1),
                                rag),
                        Map.of()));
        PipelineHarness h = new PipelineHarness(tree);
        h.model.answerWith(call -> "answer to: " + call.prompt());
        return h;
    }

    private static Job run(PipelineHarness h, TenantId tenant, String pipeline, String question) {
        SubmitJob.Result r = h.submit.submit(new SubmitJob.Command(
                tenant,
                pipeline,
                Map.of("question", question),
                Optional.empty(),
                CorrelationId.random(),
                Priority.INTERACTIVE));
        Job job = ((SubmitJob.Result.Accepted) r).job();
        h.runUntilQuiet();
        return h.jobs.find(job.id()).orElseThrow();
    }

    @Test
    void aParaphraseIsAnsweredWithTheEarlierAnswerFreeAndSaysFromWhichJob() {
        PipelineHarness h = harness("semantic");
        Job first = run(h, TENANT, "ask-similar", "How do I reset my password?");
        Job second = run(h, TENANT, "ask-similar", "How can I reset my password?");

        assertThat(second.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(h.model.calls()).hasSize(1);
        assertThat(second.result()).isEqualTo(first.result());
        HopRecord hop = second.hops().getFirst();
        assertThat(hop.cacheHit()).isTrue();
        assertThat(hop.cost()).isEqualTo(Cost.ZERO);
        assertThat(hop.semantic()).hasValueSatisfying(hit -> {
            assertThat(hit.fromJob()).isEqualTo(first.id());
            assertThat(hit.similarity()).isBetween(0.85, 1.0);
            assertThat(hit.describe())
                    .startsWith("semantic hit, similarity 0.")
                    .endsWith("answered from job " + first.id());
        });
        assertThat(first.hops().getFirst().semantic()).isEmpty();
    }

    @Test
    void theSameQuestionWordForWordIsAnExactHitFirst() {
        PipelineHarness h = harness("semantic");
        run(h, TENANT, "ask-similar", "How do I reset my password?");
        Job again = run(h, TENANT, "ask-similar", "How do I reset my password?");

        assertThat(h.model.calls()).hasSize(1);
        assertThat(again.hops().getFirst().cacheHit()).isTrue();
        assertThat(again.hops().getFirst().semantic()).isEmpty();
    }

    @Test
    void anotherTenantsAnswerIsNeverUsed() {
        PipelineHarness h = harness("semantic");
        run(h, TENANT, "ask-similar", "How do I reset my password?");
        Job theirs = run(h, OTHER, "ask-similar", "How can I reset my password?");

        assertThat(h.model.calls()).hasSize(2);
        assertThat(theirs.hops().getFirst().semantic()).isEmpty();
        assertThat(theirs.hops().getFirst().cacheHit()).isFalse();
    }

    @Test
    void aQuestionNamingAnotherNumberOrAskingTheOppositeIsPaidForEvenWhenItEmbedsAlike() {
        PipelineHarness h = harness("semantic");
        run(h, TENANT, "ask-similar", "Can I return an item after 30 days?");
        Job days = run(h, TENANT, "ask-similar", "Can I return an item after 60 days?");
        Job negated = run(h, TENANT, "ask-similar", "Can I not return an item after 30 days?");

        assertThat(h.model.calls()).hasSize(3);
        assertThat(days.hops().getFirst().semantic()).isEmpty();
        assertThat(negated.hops().getFirst().semantic()).isEmpty();
    }

    @Test
    void otherRetrievedChunksMeanAnotherQuestionHoweverAlikeTheWords() {
        PipelineHarness h = harness("semantic");
        ingest(h, "account", "Passwords are reset from the account page.");
        run(h, TENANT, "rag-similar", "How do I reset my password?");
        Job sameContext = run(h, TENANT, "rag-similar", "How can I reset my password?");
        assertThat(sameContext.hops().getFirst().semantic())
                .as("over the same chunk")
                .isPresent();

        h.vectors.deleteDocument("docs", TENANT, "account");
        ingest(h, "desk", "To reset a password, call the help desk.");
        Job otherContext = run(h, TENANT, "rag-similar", "How can I reset my password?");

        assertThat(otherContext.hops().getFirst().semantic()).isEmpty();
        assertThat(otherContext.hops().getFirst().cacheHit()).isFalse();
        assertThat(h.model.calls()).hasSize(2);
    }

    @Test
    void inputsLongerThanAnEmbedderSeesHaveTheExactCacheOnly() {
        PipelineHarness h = harness("semantic");
        String page = "Summarize this contract for me please. ".repeat(20);
        run(h, TENANT, "ask-similar", page + "the price is low and delivery is soon.");
        Job other = run(h, TENANT, "ask-similar", page + "payment is due at signing and the seller keeps the title.");

        assertThat(other.hops().getFirst().semantic()).isEmpty();
        assertThat(h.model.calls()).hasSize(2);
        Job again = run(h, TENANT, "ask-similar", page + "the price is low and delivery is soon.");
        assertThat(again.hops().getFirst().cacheHit())
                .as("the exact cache still answers")
                .isTrue();
    }

    @Test
    void anAnswerServesOnlyForItsTtl() {
        PipelineHarness h = harness(Map.of("mode", "semantic", "ttl", "10m"));
        run(h, TENANT, "ask-similar", "How do I reset my password?");
        h.clock.advance(Duration.ofMinutes(11));
        Job late = run(h, TENANT, "ask-similar", "How can I reset my password?");

        assertThat(late.hops().getFirst().semantic()).isEmpty();
        assertThat(h.model.calls()).hasSize(2);
    }

    @Test
    void aThresholdAboveTheSimilarityRefusesTheParaphrase() {
        PipelineHarness h = harness(Map.of("mode", "semantic", "threshold", 0.9999));
        run(h, TENANT, "ask-similar", "How do I reset my password?");
        Job strict = run(h, TENANT, "ask-similar", "How can I reset my password?");

        assertThat(strict.hops().getFirst().semantic()).isEmpty();
        assertThat(h.model.calls()).hasSize(2);
    }

    @Test
    void withoutSemanticCachingAParaphraseIsPaidFor() {
        PipelineHarness h = harness("exact");
        run(h, TENANT, "ask-similar", "How do I reset my password?");
        run(h, TENANT, "ask-similar", "How can I reset my password?");

        assertThat(h.model.calls()).hasSize(2);
    }

    @Test
    void aSemanticCacheOnAStepThatUsesNoInputIsRefusedWhenTheConfigurationLoads() {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> pipelines = (Map<String, Object>) tree.get("pipelines");
        Map<String, Object> step = new HashMap<>(
                Map.of("generate", "answer", "model", "fast", "prompt", "Tell me a joke", "cache", "semantic"));
        pipelines.put("joke", TestConfig.pipeline(List.of(), List.of(step), Map.of()));
        assertThatThrownBy(() -> ConfigParser.parse(tree))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("this step's prompt uses none");
        step.put("cache", "fuzzy");
        step.put("prompt", "{{input.q}}");
        assertThatThrownBy(() -> ConfigParser.parse(tree))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be 'exact' or 'semantic'");
    }

    private static void ingest(PipelineHarness h, String id, String text) {
        h.ingest(
                TENANT,
                new IngestRequest(
                        TENANT,
                        new CorrelationId("ingest"),
                        "docs",
                        List.of(new Document(id, "text/plain", text, Map.of())),
                        List.of()));
    }
}
