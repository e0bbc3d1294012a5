package dev.sluice.domain.fake;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Guardrails;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.RateLimits;
import dev.sluice.domain.model.Step;
import dev.sluice.domain.model.Template;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Values for tests: a two-hop pipeline, jobs and hop records. */
public final class Fixtures {
    public static final TenantId TENANT = new TenantId("acme");
    public static final TenantId OTHER_TENANT = new TenantId("globex");
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {}

    public static Pipeline twoHopPipeline() {
        return new Pipeline(
                "two-hop",
                List.of("question"),
                List.of(
                        new Step.Generate("draft", "fast", Template.EMPTY, new Template("Draft: {{input.question}}")),
                        new Step.Generate("final", "fast", Template.EMPTY, new Template("Improve: {{steps.draft}}"))),
                Guardrails.NONE);
    }

    public static ModelSpec model(String alias, String modelId, RateLimits limits, List<String> fallbacks) {
        return new ModelSpec(
                alias,
                "openai",
                modelId,
                0.0,
                256,
                limits,
                new Prices(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.075")),
                fallbacks,
                Map.of());
    }

    public static IndexSpec index(String name, int dimension) {
        return new IndexSpec(name, dimension, 400, 60);
    }

    public static Job job(JobId id, TenantId tenant, Map<String, String> input) {
        return Job.queued(
                id,
                tenant,
                twoHopPipeline(),
                input,
                "fp-" + input.hashCode(),
                new CorrelationId("corr-" + id),
                Optional.empty(),
                Optional.empty(),
                Priority.INTERACTIVE,
                T0);
    }

    public static Job job() {
        return job(JobId.random(), TENANT, Map.of("question", "why is the sky blue?"));
    }

    public static HopRecord hop(int hop, String step, String output) {
        return new HopRecord(
                hop,
                Map.of(step, output),
                "fast",
                "gpt-test",
                List.of(),
                false,
                new TokenUsage(100, 20),
                Cost.usd("0.000027"),
                T0,
                Duration.ofMillis(1500));
    }
}
