package dev.sluice.bootstrap.dispatcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.console.Console;
import dev.sluice.bootstrap.shared.InitPhases;
import dev.sluice.bootstrap.shared.JobTracing;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.Priming;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmitJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The front door: API Gateway HTTP API (v2 payload) requests and EventBridge {@code job.requested} events. Reads the
 * raw event so one function serves both shapes.
 */
public final class DispatcherHandler implements RequestStreamHandler {
    /** When this class was loaded: where a cold start's init, as the handler can see it, begins. */
    private static final long LOADED = System.nanoTime();

    /** The first logger of the process starts Log4j: a phase of its own in the init breakdown. */
    private static final Logger LOG = InitPhases.time("logging", () -> LogManager.getLogger(DispatcherHandler.class));

    /** The largest request body the API takes, in UTF-8 bytes; a local front door refuses larger ones itself. */
    public static final int MAX_BODY_BYTES = HttpApi.MAX_BODY_BYTES;

    private final HttpApi api;
    private final SubmitJob submitJob;
    private final Metrics metrics;
    private final Callers callers;
    private final Priming priming;
    private final JobTracing tracing;

    /** Lambda's entry point: builds the object graph once, at init. */
    public DispatcherHandler() {
        this(DaggerDispatcherComponent.create());
        InitPhases.log(LOG, "dispatcher", LOADED);
    }

    DispatcherHandler(DispatcherComponent c) {
        this(
                new HttpApi(
                        c.submitJob(),
                        c.submitBatch(),
                        c.queryJob(),
                        c.queryUsage(),
                        c.ingestDocuments(),
                        c.retryJob(),
                        Optional.of(new Console(c.console(), c.clock()))),
                c.submitJob(),
                c.metrics(),
                Callers.of(c.settings()),
                c.tracing());
    }

    DispatcherHandler(HttpApi api, SubmitJob submitJob, Metrics metrics, Callers callers) {
        this(api, submitJob, metrics, callers, JobTracing.OFF);
    }

    DispatcherHandler(HttpApi api, SubmitJob submitJob, Metrics metrics, Callers callers, JobTracing tracing) {
        this.tracing = tracing;
        this.api = api;
        this.submitJob = submitJob;
        this.metrics = metrics;
        this.callers = callers;
        // A read of a job that does not exist: the DynamoDB client, TLS and JSON paths of every request, no writes.
        this.priming = Priming.register(
                "dispatcher",
                () -> api.handle(
                        new HttpRequest(
                                "GET",
                                "/v1/jobs/job_priming",
                                Map.of(),
                                "",
                                Optional.of(new Caller(new TenantId("priming"), Caller.TENANT))),
                        new CorrelationId("priming")));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode parsed;
        InvalidInputException refused = null;
        try {
            parsed = Json.MAPPER.readTree(input);
        } catch (StreamConstraintsException e) {
            // A value beyond the reader's limits (a string of over 20 million characters): too large, not broken.
            LOG.error("event beyond the JSON reader's limits: {}", e.getOriginalMessage());
            parsed = null;
            refused = HttpApi.beyondReaderLimits(e);
        } catch (JsonProcessingException e) {
            // Neither API Gateway nor EventBridge would send this, but an event can carry what Jackson refuses (an
            // unpaired surrogate in a field name): answer as HTTP, which an asynchronous invocation ignores.
            LOG.error("unreadable event: {}", e.getOriginalMessage());
            parsed = null;
            refused = InvalidInputException.invalid("body", "the request is not readable JSON");
        }
        JsonNode event = parsed;
        InvalidInputException unreadable = refused;
        metrics.captureColdStartMetric(context);
        Object response = PowertoolsLogging.withLogging(context, () -> {
            try {
                if (event == null) {
                    return unreadable(unreadable);
                }
                if (event.has("detail-type")) {
                    onEvent(event);
                    return Map.of("ok", true);
                }
                return onHttp(event);
            } finally {
                metrics.flush();
                tracing.flush();
            }
        });
        output.write(Json.MAPPER.writeValueAsBytes(response));
    }

    private Map<String, Object> unreadable(InvalidInputException refused) {
        metrics.addMetric("RejectedEvents", 1, MetricUnit.COUNT);
        return answer(refusal(refused), CorrelationId.random());
    }

    private static HttpResponse refusal(InvalidInputException e) {
        return e.tooLarge()
                ? HttpResponse.fieldError(413, "too_large", e.field(), e.getMessage())
                : HttpResponse.fieldError(400, "invalid_request", e.field(), e.getMessage());
    }

    /** Always an answer: a defect outside the API's own handling is a 500 that says nothing of its cause. */
    private Map<String, Object> onHttp(JsonNode event) {
        try {
            return http(event);
        } catch (RuntimeException e) {
            LOG.error("request failed before it reached the API", e);
            metrics.addMetric("ApiErrors", 1, MetricUnit.COUNT);
            CorrelationId correlationId = CorrelationId.random();
            return answer(
                    HttpResponse.error(
                            500,
                            "internal",
                            "sluice failed to handle the request; quote correlation id " + correlationId),
                    correlationId);
        }
    }

    private Map<String, Object> http(JsonNode event) {
        Map<String, String> headers = new HashMap<>();
        // API Gateway sends every header value as text; anything else (a JSON null) is no header, not "null".
        event.path("headers").properties().forEach(h -> {
            if (h.getValue().isTextual()) {
                headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText());
            }
        });
        Optional<String> given =
                Optional.ofNullable(headers.get("x-correlation-id")).filter(v -> !v.isBlank());
        Optional<String> refused = given.flatMap(CorrelationId::problem);
        // An unusable id is refused, not replaced: the caller would look for its own id in logs and events.
        CorrelationId correlationId =
                given.isPresent() && refused.isEmpty() ? new CorrelationId(given.get()) : CorrelationId.random();
        ThreadContext.put("correlation_id", correlationId.value());
        String method = event.path("requestContext").path("http").path("method").asText("GET");
        String path = event.path("rawPath").asText("/");
        HttpResponse response;
        if (refused.isPresent()) {
            response = HttpResponse.fieldError(400, "invalid_request", "X-Correlation-Id", refused.get());
        } else {
            String body = null;
            InvalidInputException unusable = null;
            try {
                body = body(event);
            } catch (InvalidInputException e) {
                unusable = e;
            }
            response = unusable != null
                    ? refusal(unusable)
                    : api.handle(
                            new HttpRequest(
                                    method,
                                    path,
                                    headers,
                                    body,
                                    callers.identify(
                                            event.path("requestContext").path("authorizer"), headers),
                                    event.path("rawQueryString").asText("")),
                            correlationId);
        }
        LOG.info("{} {} -> {}", HttpResponse.printable(method), HttpResponse.printable(path), response.status());
        metrics.addMetric(response.status() < 400 ? "ApiRequests" : "ApiErrors", 1, MetricUnit.COUNT);
        return answer(response, correlationId);
    }

    /** The API Gateway (v2) response for {@code response}. */
    private static Map<String, Object> answer(HttpResponse response, CorrelationId correlationId) {
        Map<String, String> outHeaders = new HashMap<>();
        outHeaders.put("Content-Type", "application/json");
        outHeaders.putAll(response.headers());
        outHeaders.put("X-Correlation-Id", correlationId.value());
        Map<String, Object> out = new HashMap<>();
        out.put("statusCode", response.status());
        out.put("headers", outHeaders);
        out.put("isBase64Encoded", false);
        if (response.body() instanceof HttpResponse.Page page) {
            outHeaders.put("Content-Type", page.contentType());
            out.put("body", page.content());
            return out;
        }
        try {
            out.put("body", Json.MAPPER.writeValueAsString(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a response body", e);
        }
        return out;
    }

    /**
     * The request body as text. A body marked base64 may use the standard or the URL-safe alphabet, with or without
     * padding, in lines (MIME) or not; anything else is refused, as is a decoded body that is not UTF-8 or is over
     * the API's limit.
     */
    private static String body(JsonNode event) {
        JsonNode node = event.path("body");
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw InvalidInputException.invalid(
                    "body", "must be text (the event's body is a " + node.getNodeType() + ")");
        }
        if (!event.path("isBase64Encoded").asBoolean(false)) {
            return node.asText();
        }
        return utf8(base64(node.asText()))
                .orElseThrow(
                        () -> InvalidInputException.invalid("body", "is not UTF-8 text; send JSON encoded as UTF-8"));
    }

    /** {@code bytes} as text when they are well-formed UTF-8; empty otherwise (never replaced characters). */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Standard, URL-safe and MIME base64 (line breaks and spaces ignored, padding optional); nothing else. */
    static byte[] base64(String text) {
        StringBuilder canonical = new StringBuilder(text.length());
        int padding = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
                continue;
            }
            if (c == '=') {
                padding++;
                continue;
            }
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (padding > 0 || !(alphabet || c == '+' || c == '/' || c == '-' || c == '_')) {
                throw notBase64();
            }
            canonical.append(c == '-' ? '+' : c == '_' ? '/' : c);
        }
        int partial = canonical.length() % 4;
        if (partial == 1 || padding > 2 || (padding > 0 && partial + padding != 4)) {
            throw notBase64();
        }
        if ((long) canonical.length() / 4 * 3 + Math.max(0, partial - 1) > MAX_BODY_BYTES) {
            throw InvalidInputException.tooLarge(
                    "body", "is larger than " + MAX_BODY_BYTES + " bytes (6 MiB), the most one request takes");
        }
        try {
            return Base64.getDecoder().decode(canonical.toString());
        } catch (IllegalArgumentException e) {
            throw notBase64();
        }
    }

    private static InvalidInputException notBase64() {
        return InvalidInputException.invalid("body", "is marked base64 but is not base64");
    }

    /**
     * {@code job.requested} from EventBridge, from a source the deployment lists, for that source's tenant. A bad event is
     * refused with a logged reason and a metric (nobody waits on an answer, and retrying cannot make it valid); only
     * a dependency failure is thrown, so that Lambda's retries of the asynchronous event can pass it.
     */
    private void onEvent(JsonNode event) {
        String type = event.path("detail-type").asText();
        if (!type.equals("job.requested")) {
            LOG.warn("ignoring event of type {}", HttpResponse.printable(type));
            return;
        }
        try {
            SubmitJob.Command command = jobRequest(event);
            ThreadContext.put("correlation_id", command.correlationId().value());
            SubmitJob.Result result = submitJob.submit(command);
            // Identifiers and sizes only: the input (up to 256 KiB) and a duplicate's result are the tenant's.
            switch (result) {
                case SubmitJob.Result.Accepted a ->
                    LOG.info(
                            "job.requested -> accepted {} (tenant {}, pipeline {}, {} input bytes)",
                            a.job().id(),
                            command.tenant(),
                            HttpResponse.printable(command.pipeline()),
                            inputBytes(command.input()));
                case SubmitJob.Result.Duplicate d ->
                    LOG.info(
                            "job.requested -> duplicate of {} (tenant {}, pipeline {}, {})",
                            d.job().id(),
                            command.tenant(),
                            HttpResponse.printable(command.pipeline()),
                            d.job().status());
                case SubmitJob.Result.Conflict c -> reject(event, c.message());
            }
        } catch (InvalidInputException e) {
            reject(event, HttpResponse.printable(e.getMessage()));
        }
    }

    /**
     * The job an event asks for, for its source's tenant. EventBridge delivers at least once and retries, so without
     * an idempotency key of its own the event's id is the key: a redelivered event finds its job, not a new one.
     */
    private SubmitJob.Command jobRequest(JsonNode event) {
        JsonNode detail = event.path("detail");
        if (!detail.isObject()) {
            throw InvalidInputException.invalid("detail", "must be a JSON object");
        }
        Optional<String> given = Fields.optionalText(detail, "correlationId", "detail.correlationId")
                .filter(v -> !v.isBlank());
        given.flatMap(CorrelationId::problem).ifPresent(problem -> {
            throw InvalidInputException.invalid("detail.correlationId", problem);
        });
        TenantId tenant = callers.eventTenant(event.path("source").asText(""), detail);
        Optional<String> key = Fields.optionalText(detail, "idempotencyKey", "detail.idempotencyKey")
                .or(() -> Optional.of(event.path("id").asText(""))
                        .filter(id -> !id.isBlank())
                        .map(id -> "event:" + id));
        return new SubmitJob.Command(
                tenant,
                Fields.text(detail, "pipeline", "detail.pipeline"),
                Fields.strings(detail.get("input"), "detail.input"),
                key,
                given.map(CorrelationId::new).orElseGet(CorrelationId::random),
                Fields.priority(detail, "priority", "detail.priority", Priority.INTERACTIVE),
                Fields.mode(detail, "mode", "detail.mode", Mode.LIVE),
                Fields.deadline(detail, "deadline", "detail.deadline"));
    }

    /** The UTF-8 size of a job's input values, for a log line that must not carry them. */
    static long inputBytes(Map<String, String> input) {
        long bytes = 0;
        for (Map.Entry<String, String> e : input.entrySet()) {
            bytes += HttpApi.utf8Length(e.getKey(), Long.MAX_VALUE) + HttpApi.utf8Length(e.getValue(), Long.MAX_VALUE);
        }
        return bytes;
    }

    private void reject(JsonNode event, String reason) {
        LOG.error(
                "rejected job.requested event {}: {}",
                HttpResponse.printable(event.path("id").asText()),
                reason);
        metrics.addMetric("RejectedEvents", 1, MetricUnit.COUNT);
    }
}
