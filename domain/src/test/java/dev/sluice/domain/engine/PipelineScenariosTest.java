package dev.sluice.domain.engine;

import static dev.sluice.domain.fake.TestConfig.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.TestConfig;
import dev.sluice.domain.jobs.RetryJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.DomainEvent;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.HopTrace;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.RetryJob;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a user of sluice sees, end to end through the domain, with every port faked in memory. */
class PipelineScenariosTest {
    private PipelineHarness sluice;

    @BeforeEach
    void setUp() {
        sluice = new PipelineHarness();
        sluice.ingest(
                TENANT,
                new IngestRequest(
                        TENANT,
                        new CorrelationId("ingest"),
                        "docs",
                        List.of(
                                new Document(
                                        "sky",
                                        "text/plain",
                                        "The sky looks blue because air molecules scatter blue sunlight more than red light."
                                                + " This is called Rayleigh scattering.",
                                        Map.of()),
                                new Document(
                                        "tides",
                                        "text/plain",
                                        "Ocean tides are caused by the gravitational pull of the moon and the sun on the oceans.",
                                        Map.of())),
                        List.of()));
    }

    @Test
    void aRagJobAnswersFromTheRetrievedContext() {
        Job job = sluice.submit("rag", Map.of("question", "Why does the sky look blue?"));
        sluice.runUntilQuiet();

        Job done = sluice.job(job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        String prompt = sluice.model.calls().getFirst().prompt();
        assertThat(prompt).contains("[1] The sky looks blue because air molecules scatter blue sunlight");
        assertThat(sluice.model.calls().getFirst().system()).isEqualTo("Answer only from the context.");
        assertThat(done.result()).contains("answer to: Question: Why does the sky look blue?");
        HopTrace trace = sluice.query.trace(TENANT, job.id()).orElseThrow().getFirst();
        assertThat(trace.retrieved().getFirst().documentId()).isEqualTo("sky");
        assertThat(trace.prompt()).contains(prompt);
    }

    @Test
    void aJobsMemoHoldsTheAnswersButNotRetrievedContextNoLaterHopReads() {
        Job rag = sluice.submit("rag", Map.of("question", "Why does the sky look blue?"));
        Job chain = sluice.submit("chain", Map.of("topic", "the colour of the sky"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(rag).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.job(rag).hops().getFirst().outputs()).containsOnlyKeys("answer");
        Job chained = sluice.job(chain);
        assertThat(chained.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(chained.hops())
                .extracting(h -> h.outputs().keySet())
                .containsExactly(java.util.Set.of("outline"), java.util.Set.of("draft"), java.util.Set.of("final"));
        // The operator still reads what was retrieved, in the trace.
        assertThat(sluice.query.trace(TENANT, rag.id()).orElseThrow().getFirst().retrieved())
                .isNotEmpty();
    }

    @Test
    void aThreeCallChainWithRetrievalBetweenCallsSucceedsWithThreeModelCalls() {
        sluice.model.answerWith(call -> call.prompt().startsWith("Outline")
                ? "1. Rayleigh scattering of blue light by air"
                : "text for: " + call.prompt().lines().findFirst().orElse(""));
        Job job = sluice.submit("chain", Map.of("topic", "the colour of the sky"));
        sluice.runUntilQuiet();

        Job done = sluice.job(job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.model.calls()).hasSize(3);
        assertThat(done.hops()).extracting(h -> h.hop()).containsExactly(0, 1, 2);
        assertThat(sluice.model.calls().get(1).prompt()).contains("Rayleigh scattering");
        assertThat(done.result()).contains("text for: Polish this draft:");
        assertThat(done.totalCost().usd()).isPositive();
        assertThat(done.totalUsage().total()).isPositive();
        assertThat(sluice.query.trace(TENANT, job.id()).orElseThrow()).hasSize(3);
        assertThat(sluice.events.types()).containsExactly("job.completed");
        assertThat(sluice.count(HopOutcome.Advanced.class)).isEqualTo(2);
        assertThat(sluice.count(HopOutcome.Completed.class)).isEqualTo(2);
    }

    @Test
    void aTraceStoreThatRefusesEveryWriteNeitherFailsAJobNorPaysForAHopTwice() {
        sluice.model.answerWith(
                call -> "text for: " + call.prompt().lines().findFirst().orElse(""));
        sluice.traces.refuseWith(new PermanentException("access denied to the trace bucket", null));
        Job job = sluice.submit("chain", Map.of("topic", "tides"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.model.calls()).hasSize(3);
    }

    @Test
    void everyMessageDeliveredTwiceStillMakesExactlyThreeModelCalls() {
        sluice.deliveriesPerMessage = 2;
        Job job = sluice.submit("chain", Map.of("topic", "tides"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.model.calls()).hasSize(3);
        assertThat(sluice.count(HopOutcome.Duplicate.class)).isPositive();
        assertThat(sluice.events.events()).allMatch(e -> e instanceof DomainEvent.JobCompleted);
    }

    @Test
    void aLastAnswerThatPassesTheGuardrailsEndsTheJobInItsMemoWriteAndTheFinalizerAnnouncesIt() {
        Job job = sluice.submit("rag", Map.of("question", "Why does the sky look blue?"));
        Envelope hop = (Envelope) sluice.work.receiveVisible().getFirst();

        assertThat(sluice.runHop.run(hop)).isInstanceOf(HopOutcome.Completed.class);
        Job ended = sluice.job(job);
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.result()).isPresent();
        assertThat(sluice.events.types())
                .as("announced by the finalizer, not yet")
                .isEmpty();

        sluice.runUntilQuiet();
        assertThat(sluice.events.types()).containsExactly("job.completed");
        assertThat(sluice.job(job).result()).isEqualTo(ended.result());
    }

    @Test
    void aCrashAfterTheLastMemoEndedTheJobButBeforeTheFinalizerWasToldIsRecoveredWithoutANewModelCall() {
        Job job = sluice.submit("rag", Map.of("question", "Why does the sky look blue?"));
        Envelope hop = (Envelope) sluice.work.receiveVisible().getFirst();
        sluice.finalize.failNextSends(1);

        assertThat(sluice.runHop.run(hop)).isInstanceOf(HopOutcome.Retry.class);
        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.finalize.size()).isZero();

        assertThat(sluice.runHop.run(hop.withAttempt(2))).isInstanceOf(HopOutcome.Duplicate.class);
        assertThat(sluice.finalize.size())
                .as("the finalizer is told on the redelivery")
                .isEqualTo(1);
        sluice.runUntilQuiet();
        assertThat(sluice.model.calls()).hasSize(1);
        assertThat(sluice.events.types()).containsExactly("job.completed");
    }

    @Test
    void aCrashAfterTheMemoButBeforeTheNextSendIsRecoveredWithoutANewModelCall() {
        Job job = sluice.submit("chain", Map.of("topic", "tides"));
        Envelope first = (Envelope) sluice.work.receiveVisible().getFirst();
        sluice.work.failNextSends(1);

        HopOutcome crashed = sluice.runHop.run(first);
        assertThat(crashed).isInstanceOf(HopOutcome.Retry.class);
        assertThat(sluice.job(job).hop()).isEqualTo(1);
        assertThat(sluice.work.size()).isZero();

        HopOutcome redelivered = sluice.runHop.run(first.withAttempt(2));
        assertThat(redelivered).isInstanceOf(HopOutcome.Duplicate.class);
        assertThat(sluice.model.calls()).hasSize(1);
        assertThat(sluice.work.size()).isEqualTo(1);

        sluice.runUntilQuiet();
        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.model.calls()).hasSize(3);
    }

    @Test
    void providerThrottlingDefersWithTheProvidersRetryAfterAndNeverRetries() {
        sluice.model.failNext("gpt-fast", new ThrottledException("429 from provider", Duration.ofSeconds(7), null));
        Job job = sluice.submit("ask", Map.of("question", "hello?"));
        Envelope envelope = (Envelope) sluice.work.receiveVisible().getFirst();

        HopOutcome outcome = sluice.runHop.run(envelope);
        assertThat(outcome).isInstanceOf(HopOutcome.Deferred.class);
        Duration delay = ((HopOutcome.Deferred) outcome).retryAfter();
        assertThat(delay).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(9));
        assertThat(sluice.work.sent().getLast().delay()).isEqualTo(delay);

        sluice.runUntilQuiet();
        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.count(HopOutcome.Retry.class)).isZero();
    }

    @Test
    void theRateLimiterPacesWorkBeyondTheLimitByDeferringIt() {
        Job a = sluice.submit("limited", Map.of("question", "one"));
        Job b = sluice.submit("limited", Map.of("question", "two"));
        Job c = sluice.submit("limited", Map.of("question", "three"));
        sluice.runUntilQuiet();

        List<Job> ended = List.of(sluice.job(a), sluice.job(b), sluice.job(c));
        assertThat(ended).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
        // 2 requests per minute are paced one per 30 s: the second and third calls wait their turns in the queue.
        assertThat(sluice.count(HopOutcome.Deferred.class)).isGreaterThanOrEqualTo(2);
        assertThat(Duration.between(
                        ended.stream()
                                .map(Job::updatedAt)
                                .min(Comparator.naturalOrder())
                                .orElseThrow(),
                        ended.stream()
                                .map(Job::updatedAt)
                                .max(Comparator.naturalOrder())
                                .orElseThrow()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(59));
        assertThat(sluice.count(HopOutcome.Retry.class)).isZero();
        assertThat(sluice.model.calls()).hasSize(3);
    }

    @Test
    void modelCallsAskForAdmissionAsTheirJobsTenantPolicyAndPriority() {
        Map<String, Object> tree = TestConfig.tree();
        tree.put(
                "tenants",
                Map.of("acme", Map.of("weight", 3, "quota", Map.of("rpm", 100)), "default", Map.of("weight", 0.5)));
        PipelineHarness tenants = new PipelineHarness(tree);
        tenants.submit("limited", Map.of("question", "now please"));
        tenants.batches.submit(new dev.sluice.domain.usecase.SubmitBatch.Command(
                TENANT,
                "limited",
                List.of(Map.of("question", "whenever")),
                java.util.Optional.empty(),
                CorrelationId.random()));
        tenants.submit.submit(new dev.sluice.domain.usecase.SubmitJob.Command(
                new dev.sluice.domain.model.TenantId("globex"),
                "limited",
                Map.of("question", "me too"),
                java.util.Optional.empty(),
                CorrelationId.random()));
        tenants.runUntilQuiet();

        var asks = tenants.limiter.asks();
        assertThat(asks)
                .extracting(a -> a.tenant().value() + " " + a.priority().wireName() + " "
                        + a.policy().weight() + " " + a.policy().quota().rpm())
                .containsOnly("acme interactive 3.0 100", "acme batch 3.0 100", "globex interactive 0.5 0");
    }

    @Test
    void aTransientFailureIsRetriedAndTheJobStillSucceeds() {
        sluice.model.failNext("gpt-fast", new TransientException("503 from provider", null));
        Job job = sluice.submit("ask", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        // Tried again after a backoff, by a delayed copy of the message: no receive of the queue is used up.
        assertThat(sluice.outcomes.getFirst()).isInstanceOf(HopOutcome.Deferred.class);
        assertThat(sluice.count(HopOutcome.Retry.class)).isZero();
        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aFailureThatLastsBeyondMaxAttemptsFailsTheJobWithItsReason() {
        sluice.model.failAlways(
                "gpt-fast",
                new TransientException(
                        "fast (gpt-fast) answered 503: upstream llm-gw-7.internal down",
                        FailureKind.SERVER_ERROR,
                        503,
                        null));
        Job job = sluice.submit("ask", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureReason())
                .contains("step 'answer': the provider of model 'fast' failed (HTTP 503, server error);"
                        + " gave up after 3 attempts");
        assertThat(sluice.events.types()).containsExactly("job.failed");
        assertThat(sluice.query
                        .traceForOperator(job.id())
                        .orElseThrow()
                        .getFirst()
                        .errors())
                .singleElement()
                .asString()
                .contains("upstream llm-gw-7.internal down");
    }

    @Test
    void aPermanentFailureFailsTheJobWithAReasonAtOnce() {
        sluice.model.failAlways(
                "gpt-fast",
                new PermanentException(
                        "fast (gpt-fast) answered 400: {\"error\":{\"code\":\"context_length_exceeded\"}}",
                        FailureKind.CONTEXT_TOO_LONG,
                        400,
                        null));
        Job job = sluice.submit("ask", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureReason())
                .contains(
                        "step 'answer': the provider of model 'fast' refused the request (HTTP 400, context too long)");
        assertThat(sluice.model.calls()).hasSize(1);
        assertThat(sluice.outcomes).singleElement().isInstanceOfSatisfying(HopOutcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(failed.failureReason().orElseThrow());
            assertThat(f.detail()).contains("context_length_exceeded");
        });
    }

    @Test
    void whatTheProviderSaidReachesOnlyTheOperatorNeverTheTenant() {
        String body = "{\"error\":{\"message\":\"bad request via internal-host-10.0.0.7 key sk-live-123\","
                + "\"type\":\"invalid_request_error\"}}";
        sluice.model.failAlways(
                "gpt-fast",
                new PermanentException(
                        "fast (gpt-fast) answered 400: " + body,
                        FailureKind.INVALID_REQUEST,
                        400,
                        new IllegalStateException("https://internal-host-10.0.0.7/v1/chat: " + body)));
        Job job = sluice.submit("rag", Map.of("question", "Why does the sky look blue?"));
        sluice.runUntilQuiet();

        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        String reason = failed.failureReason().orElseThrow();
        assertThat(reason)
                .isEqualTo(
                        "step 'answer': the provider of model 'fast' refused the request (HTTP 400, invalid request)");
        DomainEvent.JobFailed event =
                (DomainEvent.JobFailed) sluice.events.events().getLast();
        assertThat(event.job().failureReason()).contains(reason);
        for (String secret : List.of("internal-host", "10.0.0.7", "sk-live-123", "Exception", "https://")) {
            assertThat(reason).doesNotContain(secret);
            assertThat(sluice.query.job(TENANT, job.id()).orElseThrow().toString())
                    .doesNotContain(secret);
            assertThat(sluice.query.trace(TENANT, job.id()).orElseThrow().toString())
                    .doesNotContain(secret);
        }

        HopTrace operator =
                sluice.query.traceForOperator(job.id()).orElseThrow().getFirst();
        assertThat(operator.errors())
                .singleElement()
                .asString()
                .startsWith("step 'answer': model 'fast': PermanentException: fast (gpt-fast) answered 400")
                .contains("sk-live-123", "invalid_request_error")
                .contains("IllegalStateException: https://internal-host-10.0.0.7/v1/chat");
        assertThat(operator.prompt().orElseThrow()).contains("Question: Why does the sky look blue?");
        assertThat(operator.retrieved()).extracting(c -> c.documentId()).contains("sky");
        assertThat(operator.answered()).as("no response").isEmpty();
    }

    @Test
    void aHopsTraceHoldsTheRecordMemoisedOnTheJobAndTheTraceOfTheHopThatFailedHasNoResponse() {
        sluice.model.answerWith(call -> {
            if (call.prompt().startsWith("Facts:")) {
                throw new PermanentException(
                        "fast (gpt-fast) answered 400: prompt too long", FailureKind.CONTEXT_TOO_LONG, 400, null);
            }
            return "1. Rayleigh scattering of blue light by air";
        });
        Job job = sluice.submit("chain", Map.of("topic", "the colour of the sky"));
        sluice.runUntilQuiet();

        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.hops()).hasSize(1);
        List<HopTrace> traces = sluice.query.traceForOperator(job.id()).orElseThrow();
        assertThat(traces).extracting(HopTrace::hop).containsExactly(0, 1);

        HopTrace.Answered answered = traces.get(0).answered().orElseThrow();
        assertThat(answered.record()).isEqualTo(failed.hops().getFirst());
        assertThat(answered.response()).isEqualTo("1. Rayleigh scattering of blue light by air");
        assertThat(answered.raw()).isEqualTo("{\"raw\":true}");
        assertThat(answered.cacheHit()).isFalse();

        HopTrace failedHop = traces.get(1);
        assertThat(failedHop.answered()).as("no response").isEmpty();
        assertThat(failedHop.ending()).isInstanceOfSatisfying(HopTrace.Failed.class, f -> {
            assertThat(f.model()).isEqualTo("fast");
            assertThat(f.startedAt()).isAfterOrEqualTo(answered.record().startedAt());
        });
        assertThat(failedHop.prompt().orElseThrow()).startsWith("Facts:");
        assertThat(failedHop.system()).contains("");
        assertThat(failedHop.retrieved()).isNotEmpty();
        assertThat(failedHop.errors()).singleElement().asString().contains("prompt too long");
    }

    @Test
    void aHitOnAnotherTenantsSharedEntryIsAHitOnlyInTheOperatorsTrace() {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> ask = (Map<String, Object>) ((Map<String, Object>) tree.get("pipelines")).get("ask");
        ask.put("cache", "shared");
        PipelineHarness shared = new PipelineHarness(tree);
        shared.submit("ask", Map.of("question", "What is the capital of France?"));
        shared.runUntilQuiet();
        Job theirs = submitAs(
                shared, new dev.sluice.domain.model.TenantId("globex"), "ask", "What is the capital of France?");
        shared.runUntilQuiet();

        Job answered = shared.job(theirs);
        HopTrace.Answered trace = shared.query
                .traceForOperator(theirs.id())
                .orElseThrow()
                .getFirst()
                .answered()
                .orElseThrow();
        assertThat(trace.record()).isEqualTo(answered.hops().getFirst());
        assertThat(trace.record().cacheHit()).as("what the tenant is told").isFalse();
        assertThat(trace.cacheHit()).as("what the operator reads").isTrue();
    }

    @Test
    void aCacheHitSkipsBothTheLimiterAndTheModel() {
        Job first = sluice.submit("ask", Map.of("question", "What is sluice?"));
        sluice.runUntilQuiet();
        int acquisitions = sluice.limiter.acquisitions();

        Job second = sluice.submit("ask", Map.of("question", "What is sluice?"));
        sluice.runUntilQuiet();

        assertThat(sluice.model.calls()).hasSize(1);
        assertThat(sluice.limiter.acquisitions()).isEqualTo(acquisitions);
        Job cached = sluice.job(second);
        assertThat(cached.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(cached.result()).isEqualTo(sluice.job(first).result());
        assertThat(cached.hops().getFirst().cacheHit()).isTrue();
        assertThat(cached.totalCost().usd()).isZero();
    }

    @Test
    void noTenantIsAnsweredFromAnothersCacheEntryOrToldOfIt() {
        dev.sluice.domain.model.TenantId globex = new dev.sluice.domain.model.TenantId("globex");
        Job mine = sluice.submit("ask", Map.of("question", "What did we order last week?"));
        sluice.runUntilQuiet();
        Job theirs = submitAs(sluice, globex, "ask", "What did we order last week?");
        sluice.runUntilQuiet();

        assertThat(sluice.model.calls()).as("each tenant's answer is its own").hasSize(2);
        Job probed = sluice.job(theirs);
        assertThat(probed.hops().getFirst().cacheHit()).isFalse();
        assertThat(probed.totalCost().usd()).isPositive();
        Job again = submitAs(sluice, globex, "ask", "What did we order last week?");
        sluice.runUntilQuiet();
        assertThat(sluice.job(again).hops().getFirst().cacheHit())
                .as("a tenant's own repeat is a hit")
                .isTrue();
        assertThat(sluice.job(mine).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aSharedCachePipelineAnswersAcrossTenantsWithoutShowingTheHit() {
        Map<String, Object> tree = TestConfig.tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> ask = (Map<String, Object>) ((Map<String, Object>) tree.get("pipelines")).get("ask");
        ask.put("cache", "shared");
        PipelineHarness shared = new PipelineHarness(tree);
        shared.submit("ask", Map.of("question", "What is the capital of France?"));
        shared.runUntilQuiet();
        Job theirs = submitAs(
                shared, new dev.sluice.domain.model.TenantId("globex"), "ask", "What is the capital of France?");
        shared.runUntilQuiet();

        assertThat(shared.model.calls())
                .as("the second tenant is answered from the shared entry")
                .hasSize(1);
        Job answered = shared.job(theirs);
        assertThat(answered.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(answered.hops().getFirst().cacheHit())
                .as("nothing tells it another tenant asked")
                .isFalse();
        assertThat(answered.totalCost().usd()).isPositive();
    }

    private static Job submitAs(
            PipelineHarness harness, dev.sluice.domain.model.TenantId tenant, String pipeline, String question) {
        var result = harness.submit.submit(new dev.sluice.domain.usecase.SubmitJob.Command(
                tenant, pipeline, Map.of("question", question), java.util.Optional.empty(), CorrelationId.random()));
        return ((dev.sluice.domain.usecase.SubmitJob.Result.Accepted) result).job();
    }

    @Test
    void aFallbackModelAnswersWhenThePrimaryFailsAndTheTraceSaysSo() {
        sluice.model.failAlways("gpt-primary", new CircuitOpenException("circuit open for openai:gpt-primary", null));
        Job job = sluice.submit("resilient", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        Job done = sluice.job(job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.hops().getFirst().model()).isEqualTo("backup");
        assertThat(done.hops().getFirst().modelId()).isEqualTo("gpt-backup");
        assertThat(done.hops().getFirst().fallbacks()).containsExactly("primary (circuit open)");
        HopTrace trace = sluice.query.trace(TENANT, job.id()).orElseThrow().getFirst();
        assertThat(trace.answered().orElseThrow().record().model()).isEqualTo("backup");
        assertThat(trace.answered().orElseThrow().record().fallbacks()).containsExactly("primary (circuit open)");
    }

    @Test
    void aPermanentFailureOfThePrimaryAlsoFallsBackAndOnlyTheOperatorReadsWhy() {
        sluice.model.failAlways(
                "gpt-primary",
                new PermanentException(
                        "primary answered 401: invalid api key sk-live-123", FailureKind.UNAUTHORIZED, 401, null));
        Job job = sluice.submit("resilient", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sluice.job(job).hops().getFirst().fallbacks())
                .containsExactly("primary (HTTP 401, credentials refused)");
        assertThat(sluice.query.trace(TENANT, job.id()).orElseThrow().getFirst().errors())
                .isEmpty();
        assertThat(sluice.query
                        .traceForOperator(job.id())
                        .orElseThrow()
                        .getFirst()
                        .errors())
                .singleElement()
                .asString()
                .contains("model 'primary': PermanentException: primary answered 401: invalid api key sk-live-123");
    }

    @Test
    void whenNoModelOfTheChainCanAnswerTheReasonNamesEachAndHowItFailed() {
        sluice.model.failAlways(
                "gpt-primary", new PermanentException("401 from api.example.net", FailureKind.UNAUTHORIZED, 401, null));
        sluice.model.failAlways(
                "gpt-backup",
                new PermanentException("400 from api.example.net", FailureKind.INVALID_REQUEST, 400, null));
        Job job = sluice.submit("resilient", Map.of("question", "hello?"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(job).failureReason())
                .contains("step 'answer': no model could answer: the provider of model 'primary' refused the request"
                        + " (HTTP 401, credentials refused); the provider of model 'backup' refused the request"
                        + " (HTTP 400, invalid request)");
        assertThat(sluice.query
                        .traceForOperator(job.id())
                        .orElseThrow()
                        .getFirst()
                        .errors())
                .singleElement()
                .asString()
                .contains("401 from api.example.net", "400 from api.example.net");
    }

    @Test
    void guardrailsRedactPersonalDataAndCapTheLength() {
        sluice.model.answerWith(call -> "Write to jane.doe@example.com or call +1 415 555 0100. " + "word ".repeat(80));
        Job job = sluice.submit("careful", Map.of("question", "contact?"));
        sluice.runUntilQuiet();

        String result = sluice.job(job).result().orElseThrow();
        assertThat(result)
                .contains("[email]")
                .contains("[phone]")
                .doesNotContain("jane.doe")
                .doesNotContain("555");
        assertThat(result).endsWith("[truncated]");
        assertThat(result.length()).isLessThanOrEqualTo(200 + " [truncated]".length());
    }

    @Test
    void aStructuredAnswerTheReaderRefusesFailsTheJobWithTheReadersReason() {
        sluice.model.answerWith(call -> "```json\n{\"answer\": \"42\"}\n```");
        sluice.structured.answerWith(
                answer -> new StructuredOutput.Checked.Invalid("the answer lacks the required key 'confidence'"));
        Job job = sluice.submit("structured", Map.of("question", "meaning of life?"));
        sluice.runUntilQuiet();

        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureReason()).contains("the answer lacks the required key 'confidence'");
        assertThat(sluice.structured.requests())
                .as("the reader is asked about the answer inside its code fence, for the pipeline's keys (by the"
                        + " processor before the memo, and by the finalizer that fails the job)")
                .hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.answer()).isEqualTo("{\"answer\": \"42\"}");
                    assertThat(r.requiredKeys()).containsExactly("answer", "confidence");
                    assertThat(r.values()).isSameAs(StructuredOutput.Values.KEEP);
                });
    }

    @Test
    void aValidStructuredAnswerIsStoredAsJson() {
        sluice.model.answerWith(call -> "```json\n{\"answer\": \"42\", \"confidence\": 0.9}\n```");
        Job job = sluice.submit("structured", Map.of("question", "meaning of life?"));
        sluice.runUntilQuiet();

        assertThat(sluice.job(job).result()).contains("{\"answer\": \"42\", \"confidence\": 0.9}");
    }

    @Test
    void aJobIsVisibleOnlyToItsTenant() {
        Job job = sluice.submit("ask", Map.of("question", "secret?"));
        sluice.runUntilQuiet();

        assertThat(sluice.query.job(TENANT, job.id())).isPresent();
        assertThat(sluice.query.job(new dev.sluice.domain.model.TenantId("intruder"), job.id()))
                .isEmpty();
        assertThat(sluice.query.trace(new dev.sluice.domain.model.TenantId("intruder"), job.id()))
                .isEmpty();
    }

    @Test
    void retryingAFailedJobRunsOnlyTheHopThatFailedAndTheJobSucceeds() {
        Job job = sluice.submit("chain", Map.of("topic", "tides"));
        // Hop 0 answers; hop 1 fails for good.
        sluice.model.answerWith(call -> {
            if (call.prompt().startsWith("Facts:") && sluice.model.calls().size() < 3) {
                throw new PermanentException("400: content_filter", FailureKind.CONTENT_FILTERED, 400, null);
            }
            return "text for " + call.prompt().length();
        });
        sluice.runUntilQuiet();
        Job failed = sluice.job(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.hop()).isEqualTo(1);
        int callsBefore = sluice.model.calls().size();

        RetryJob.Result result =
                new RetryJobService(sluice.jobs, sluice.work, sluice.finalize, sluice.clock).retry(job.id());
        sluice.runUntilQuiet();

        assertThat(result)
                .isEqualTo(new RetryJob.Result.Reopened(
                        job.id(), 1, failed.failureReason().orElseThrow()));
        assertThat(result.describe()).contains("reopened, running hop 1 again").contains("content filtered");
        Job done = sluice.job(job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.hops()).extracting(h -> h.hop()).containsExactly(0, 1, 2);
        assertThat(sluice.model.calls()).as("hop 0 was not called again").hasSize(callsBefore + 2);
        assertThat(sluice.events.types()).containsExactly("job.failed", "job.completed");
        assertThat(new RetryJobService(sluice.jobs, sluice.work, sluice.finalize, sluice.clock).retry(job.id()))
                .isEqualTo(new RetryJob.Result.AlreadySucceeded(job.id()));
    }
}
