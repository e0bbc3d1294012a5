package dev.sluice.adapter.llm.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.config.ConfigParser;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.engine.FinalizeJobService;
import dev.sluice.domain.engine.RunHopService;
import dev.sluice.domain.fake.InMemoryJobStore;
import dev.sluice.domain.fake.InMemoryPorts;
import dev.sluice.domain.fake.InMemoryTraceStore;
import dev.sluice.domain.fake.InMemoryWorkQueue;
import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.fake.RecordingEventPublisher;
import dev.sluice.domain.fake.ScriptedLanguageModel;
import dev.sluice.domain.jobs.SubmitJobService;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobStatus;
import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.SubmitJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The finalizer's guardrails on structured answers with the Jackson reader, through the domain's use cases on in-memory
 * ports: redaction inside the values keeps the answer valid JSON, the length is checked as stored, and an answer that
 * is not valid JSON or nests too deep fails its job with a reason, leaving nothing RUNNING.
 */
class StructuredAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = new TenantId("acme");

    private final MutableClock clock = MutableClock.at("2026-06-01T09:00:05Z");
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryWorkQueue work = new InMemoryWorkQueue(clock);
    private final InMemoryWorkQueue finalize = new InMemoryWorkQueue(clock);
    private final ScriptedLanguageModel model = new ScriptedLanguageModel();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final List<HopOutcome> finalized = new ArrayList<>();
    private final SluiceConfig config = ConfigParser.parse(config());
    private final RunHopService runHop = new RunHopService(
            config,
            InMemoryPorts.of(
                    clock,
                    jobs,
                    work,
                    finalize,
                    model,
                    new InMemoryTraceStore(),
                    events,
                    16,
                    new JacksonStructuredOutput()),
            clock,
            new SplittableRandom(5));
    private final FinalizeJobService finalizer =
            new FinalizeJobService(config, jobs, events, Telemetry.NONE, new JacksonStructuredOutput(), clock);

    private static Map<String, Object> config() {
        Map<String, Object> fast = new HashMap<>();
        fast.put("provider", "openai");
        fast.put("model", "gpt-fast");
        fast.put("prices", Map.of("input", 0.15, "output", 0.60));
        Map<String, Object> pipelines = new HashMap<>();
        pipelines.put(
                "redacted",
                pipeline(Map.of("redactPii", true, "format", "json", "requiredFields", List.of("ts", "note"))));
        pipelines.put("tight", pipeline(Map.of("redactPii", true, "maxOutputChars", 40, "format", "json")));
        pipelines.put("classify", pipeline(Map.of("format", "json", "requiredFields", List.of("label", "confidence"))));
        return Map.of("models", Map.of("fast", fast), "pipelines", pipelines);
    }

    private static Map<String, Object> pipeline(Map<String, Object> guardrails) {
        return Map.of(
                "inputs",
                List.of("text"),
                "steps",
                List.of(Map.of("generate", "answer", "model", "fast", "prompt", "{{input.text}}")),
                "guardrails",
                guardrails);
    }

    /** The job of {@code pipeline} once its one hop and its finalizing ran, the model answering {@code answer}. */
    private Job run(String pipeline, String answer) {
        model.answerWith(call -> answer);
        // A text of its own, so that no answer comes from the completion cache.
        String text = "text " + finalized.size();
        SubmitJob.Result submitted = new SubmitJobService(config, jobs, work, clock)
                .submit(new SubmitJob.Command(
                        TENANT, pipeline, Map.of("text", text), Optional.empty(), CorrelationId.random()));
        Job job = ((SubmitJob.Result.Accepted) submitted).job();
        for (QueueMessage m : work.receiveVisible()) {
            runHop.run((Envelope) m);
        }
        for (QueueMessage m : finalize.receiveVisible()) {
            finalized.add(finalizer.finalizeJob((Envelope) m));
        }
        assertThat(work.size() + finalize.size()).as("messages left").isZero();
        return jobs.find(job.id()).orElseThrow();
    }

    @Test
    void aStructuredAnswerIsRedactedInsideItsValuesAndStaysValidJson() throws Exception {
        String answer = "{\"ts\":1718000000000,\"note\":\"mail jane.doe@example.com, card 4111 1111 1111 1111\","
                + "\"card\":4111111111111111,\"tags\":[\"call +1 415 555 0100\"],\"ok\":true,\"none\":null}";
        Job done = run("redacted", answer);

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode object = JSON.readTree(done.result().orElseThrow());
        assertThat(object.isObject()).isTrue();
        assertThat(object.get("ts").toString()).as("a timestamp is not a card").isEqualTo("1718000000000");
        assertThat(object.get("note").asText()).isEqualTo("mail [email], card [card]");
        assertThat(object.get("card").asText()).isEqualTo("[card]");
        assertThat(object.get("tags")).isEqualTo(JSON.readTree("[\"call [phone]\"]"));
        assertThat(object.get("ok").asBoolean()).isTrue();
        assertThat(object.get("none").isNull()).isTrue();
    }

    @Test
    void theLengthOfAStructuredAnswerIsCheckedAsStored() {
        Job redacted = run("tight", "{\"note\": \"write to jane.doe@example.com\"}");
        assertThat(redacted.status())
                .as("%d characters once redacted", "{\"note\":\"write to [email]\"}".length())
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(redacted.result()).contains("{\"note\":\"write to [email]\"}");

        Job tooLong = run("tight", "{\"note\": \"" + "x".repeat(60) + "\"}");
        assertThat(tooLong.status()).isEqualTo(JobStatus.FAILED);
        assertThat(tooLong.failureReason()).contains("the answer is 72 characters of JSON; the limit is 40");
    }

    @Test
    void anAnswerFiveThousandDeepOrNotValidJsonFailsItsJobWithAReasonAndNothingStaysRunning() {
        Job deep = run("classify", "[".repeat(5_000));
        Job invalid = run("classify", "{\"label\": \"\\u+041\", \"confidence\": 0.9}");
        Job lacking = run("classify", "```json\n{\"label\": \"billing\"}\n```");

        assertThat(deep.status()).isEqualTo(JobStatus.FAILED);
        assertThat(deep.failureReason()).contains("the answer nests deeper than 500 levels");
        assertThat(invalid.status()).isEqualTo(JobStatus.FAILED);
        assertThat(invalid.failureReason())
                .contains("the answer is not valid JSON: invalid escape sequence at line 1, column 14");
        assertThat(lacking.failureReason()).contains("the answer lacks the required key 'confidence'");
        assertThat(finalized).allSatisfy(o -> assertThat(o).isInstanceOf(HopOutcome.Failed.class));
        assertThat(finalized)
                .as("the guardrails' own reasons: none is an internal error")
                .allSatisfy(o -> assertThat(((HopOutcome.Failed) o).detail()).isEmpty());
        assertThat(List.of(deep, invalid, lacking))
                .allSatisfy(job ->
                        assertThat(jobs.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED));
        assertThat(events.events()).extracting(e -> e.type()).containsOnly("job.failed");
    }
}
