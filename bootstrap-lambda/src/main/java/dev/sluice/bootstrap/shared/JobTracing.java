package dev.sluice.bootstrap.shared;

import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.usecase.HopOutcome;
import dev.sluice.domain.usecase.SubmitJob;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One distributed trace per job: the dispatcher's root span ("job accepted"), one span per delivery of each hop and
 * of the finalizer, joined across SQS by the {@code traceparent} message attribute ({@link JobTraceParent}), and
 * rejoining the job's root by its derived ids ({@link JobTraceIds}) when a message carries no usable context. The
 * tracer exists only when something collects spans (an OTLP endpoint, or the local runtime's in-process
 * collector); otherwise every call is OpenTelemetry's no-op.
 */
public final class JobTracing {
    private static final Logger LOG = LogManager.getLogger(JobTracing.class);

    public static final String JOB_ID = "sluice.job_id";
    public static final String TENANT = "sluice.tenant";
    public static final String PIPELINE = "sluice.pipeline";
    public static final String HOP = "sluice.hop";
    public static final String ATTEMPT = "sluice.attempt";
    public static final String OUTCOME = "sluice.outcome";
    public static final String FUNCTION = "sluice.function";
    public static final String MODEL = "sluice.model";
    public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String COST_USD = "sluice.cost_usd";

    /** How long an invocation waits for its spans to leave: a collector that is down must not hold it longer. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    /** A collector is local (the Lambda layer's) or near: one that does not answer at once is not waited for. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    /** Tracing off: OpenTelemetry's no-op tracer, nothing exported, nothing flushed. */
    public static final JobTracing OFF = new JobTracing(TracerProvider.noop().get("sluice"), Optional.empty());

    /** Set by the local runtime before it builds the functions: every function of the process reports to it. */
    private static volatile Optional<SpanProcessor> inProcess = Optional.empty();

    private static final ThreadLocal<SpanContext> FORCED = new ThreadLocal<>();

    private final Tracer tracer;
    private final Optional<SdkTracerProvider> provider;

    private JobTracing(Tracer tracer, Optional<SdkTracerProvider> provider) {
        this.tracer = tracer;
        this.provider = provider;
    }

    /** The local runtime's collector: every function built after this in the process reports its spans to it. */
    public static void collectInProcess(SpanProcessor processor) {
        inProcess = Optional.of(processor);
    }

    /** Tracing as the settings say: OTLP/HTTP to the endpoint, and the in-process collector when there is one. */
    public static JobTracing from(Settings.Tracing settings) {
        Optional<SpanProcessor> local = inProcess;
        if (settings.otlpTracesEndpoint().isEmpty() && local.isEmpty()) {
            return OFF;
        }
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setIdGenerator(new JobIdGenerator())
                .setResource(Resource.getDefault().toBuilder()
                        .put("service.name", settings.serviceName())
                        .build());
        settings.otlpTracesEndpoint().ifPresent(endpoint -> {
            OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                    .setEndpoint(endpoint.toString())
                    .setTimeout(FLUSH_TIMEOUT)
                    .setConnectTimeout(CONNECT_TIMEOUT)
                    // No retries: a collector that is down costs a batch of spans, never an invocation's time.
                    .setRetryPolicy(null);
            settings.otlpHeaders().forEach(exporter::addHeader);
            builder.addSpanProcessor(BatchSpanProcessor.builder(exporter.build())
                    .setExporterTimeout(FLUSH_TIMEOUT)
                    .build());
        });
        local.ifPresent(builder::addSpanProcessor);
        SdkTracerProvider provider = builder.build();
        return new JobTracing(provider.get("dev.sluice"), Optional.of(provider));
    }

    /** Whether spans are recorded at all. */
    public boolean enabled() {
        return provider.isPresent();
    }

    /** The job's root span, for a job {@code submitJob} accepted; a duplicate or a refusal has none. */
    public SubmitJob traced(SubmitJob submitJob) {
        if (!enabled()) {
            return submitJob;
        }
        return command -> {
            Instant start = Instant.now();
            SubmitJob.Result result = submitJob.submit(command);
            if (result instanceof SubmitJob.Result.Accepted accepted) {
                accepted(accepted.job(), start);
            }
            return result;
        };
    }

    /**
     * "job accepted": the root of the job's trace, with the ids every hop derives. It is recorded once the job
     * exists (its ids come from the job id), from when the request arrived until hop 0 was queued.
     */
    void accepted(Job job, Instant start) {
        FORCED.set(JobTraceIds.root(job.id()));
        Span span;
        try {
            span = tracer.spanBuilder("job accepted")
                    .setNoParent()
                    .setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(start)
                    .setAllAttributes(Attributes.builder()
                            .put(FUNCTION, "dispatcher")
                            .put(JOB_ID, job.id().value())
                            .put(TENANT, job.tenant().value())
                            .put(PIPELINE, job.pipeline())
                            .put("sluice.correlation_id", job.correlationId().value())
                            .put("sluice.priority", job.priority().name())
                            .put("sluice.hop_count", job.hopCount())
                            .build())
                    .startSpan();
        } finally {
            FORCED.remove();
        }
        span.end();
    }

    /**
     * Runs one delivery of a job's message in its span: a child of the {@code traceparent} the message carries when
     * it belongs to the job's trace, else of the job's root. The work's outcome is the span's.
     *
     * @param traceparent the message's {@code traceparent} attribute, if any
     */
    public HopOutcome delivery(
            String function, String name, Envelope envelope, Optional<String> traceparent, Supplier<HopOutcome> work) {
        if (!enabled()) {
            return work.get();
        }
        SpanContext parent = traceparent
                .flatMap(JobTracing::parse)
                .filter(p -> p.getTraceId().equals(JobTraceIds.traceId(envelope.jobId())))
                .orElseGet(() -> JobTraceIds.root(envelope.jobId()));
        Span span = tracer.spanBuilder(name)
                .setParent(Context.root().with(Span.wrap(parent)))
                .setSpanKind(SpanKind.CONSUMER)
                .setAllAttributes(Attributes.builder()
                        .put(FUNCTION, function)
                        .put(JOB_ID, envelope.jobId().value())
                        .put(TENANT, envelope.tenant().value())
                        .put(PIPELINE, envelope.pipeline())
                        .put(HOP, envelope.hop())
                        .put(ATTEMPT, envelope.attempt())
                        .put("sluice.correlation_id", envelope.correlationId().value())
                        .put("messaging.system", "aws_sqs")
                        .build())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            HopOutcome outcome = work.get();
            span.setAttribute(OUTCOME, outcomeName(outcome));
            switch (outcome) {
                case HopOutcome.Deferred d ->
                    span.setAttribute("sluice.retry_after_ms", d.retryAfter().toMillis());
                case HopOutcome.Retry r -> span.setStatus(StatusCode.ERROR, r.cause());
                case HopOutcome.Failed f -> span.setStatus(StatusCode.ERROR, f.reason());
                default -> {}
            }
            return outcome;
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    static String outcomeName(HopOutcome outcome) {
        return switch (outcome) {
            case HopOutcome.Advanced a -> "advanced";
            case HopOutcome.Completed c -> "completed";
            case HopOutcome.Deferred d -> "deferred";
            case HopOutcome.Retry r -> "retry";
            case HopOutcome.Failed f -> "failed";
            case HopOutcome.Duplicate d -> "duplicate";
        };
    }

    /**
     * Sends what the invocation recorded before it returns (Lambda freezes the process after): waits at most
     * {@link #FLUSH_TIMEOUT}, and a collector that is down or slow only costs a warning, never the invocation.
     */
    public void flush() {
        provider.ifPresent(p -> {
            try {
                CompletableResultCode done = p.forceFlush().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!done.isSuccess()) {
                    LOG.warn("spans not exported within {} ms (is the collector up?)", FLUSH_TIMEOUT.toMillis());
                }
            } catch (RuntimeException e) {
                LOG.warn("spans not exported: {}", e.toString());
            }
        });
    }

    static Optional<SpanContext> parse(String traceparent) {
        var m = TRACEPARENT.matcher(traceparent.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        SpanContext context = SpanContext.createFromRemoteParent(
                m.group(1), m.group(2), TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault());
        return context.isValid() ? Optional.of(context) : Optional.empty();
    }

    /** Random ids, but the job's derived ones for its root span ({@link #accepted}). */
    private static final class JobIdGenerator implements IdGenerator {
        private final IdGenerator random = IdGenerator.random();

        @Override
        public String generateSpanId() {
            SpanContext forced = FORCED.get();
            return forced != null ? forced.getSpanId() : random.generateSpanId();
        }

        @Override
        public String generateTraceId() {
            SpanContext forced = FORCED.get();
            return forced != null ? forced.getTraceId() : random.generateTraceId();
        }
    }
}
