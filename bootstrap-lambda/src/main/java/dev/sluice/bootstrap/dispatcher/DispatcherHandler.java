package dev.sluice.bootstrap.dispatcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.Priming;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.SubmitJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    private static final Logger LOG = LogManager.getLogger(DispatcherHandler.class);

    private final HttpApi api;
    private final SubmitJob submitJob;
    private final Metrics metrics;
    private final boolean trustTenantHeader;
    private final Priming priming;

    /** Lambda's entry point: builds the object graph once, at init. */
    public DispatcherHandler() {
        this(DaggerDispatcherComponent.create());
    }

    DispatcherHandler(DispatcherComponent c) {
        this(
                new HttpApi(c.submitJob(), c.submitBatch(), c.queryJob(), c.ingestDocuments(), c.retryJob()),
                c.submitJob(),
                c.metrics(),
                c.settings().trustTenantHeader());
    }

    DispatcherHandler(HttpApi api, SubmitJob submitJob, Metrics metrics, boolean trustTenantHeader) {
        this.api = api;
        this.submitJob = submitJob;
        this.metrics = metrics;
        this.trustTenantHeader = trustTenantHeader;
        // A read of a job that does not exist: the DynamoDB client, TLS and JSON paths of every request, no writes.
        this.priming = Priming.register(
                "dispatcher",
                () -> api.handle(
                        new HttpRequest("GET", "/v1/jobs/job_priming", Map.of(), "", Optional.of("priming")),
                        new CorrelationId("priming")));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(input);
        } catch (JsonProcessingException e) {
            // Neither API Gateway nor EventBridge would send this, but an event can carry what Jackson refuses (an
            // unpaired surrogate in a field name): answer as HTTP, which an asynchronous invocation ignores.
            LOG.error("unreadable event: {}", e.getOriginalMessage());
            parsed = null;
        }
        JsonNode event = parsed;
        metrics.captureColdStartMetric(context);
        Object response = PowertoolsLogging.withLogging(context, () -> {
            try {
                if (event == null) {
                    return unreadable();
                }
                if (event.has("detail-type")) {
                    onEvent(event);
                    return Map.of("ok", true);
                }
                return onHttp(event);
            } finally {
                metrics.flush();
            }
        });
        output.write(Json.MAPPER.writeValueAsBytes(response));
    }

    private Map<String, Object> unreadable() {
        metrics.addMetric("RejectedEvents", 1, MetricUnit.COUNT);
        return answer(
                HttpResponse.fieldError(400, "invalid_request", "body", "the request is not readable JSON"),
                CorrelationId.random());
    }

    private Map<String, Object> onHttp(JsonNode event) {
        Map<String, String> headers = new HashMap<>();
        event.path("headers")
                .properties()
                .forEach(h -> headers.put(
                        h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
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
            Optional<String> body = body(event);
            response = body.isEmpty()
                    ? HttpResponse.fieldError(400, "invalid_request", "body", "is marked base64 but is not base64")
                    : api.handle(
                            new HttpRequest(
                                    method,
                                    path,
                                    headers,
                                    body.get(),
                                    tenant(event.path("requestContext").path("authorizer"), headers)),
                            correlationId);
        }
        LOG.info("{} {} -> {}", HttpResponse.printable(method), HttpResponse.printable(path), response.status());
        metrics.addMetric(response.status() < 400 ? "ApiRequests" : "ApiErrors", 1, MetricUnit.COUNT);
        return answer(response, correlationId);
    }

    /** The API Gateway (v2) response for {@code response}. */
    private static Map<String, Object> answer(HttpResponse response, CorrelationId correlationId) {
        Map<String, String> outHeaders = new HashMap<>(response.headers());
        outHeaders.put("Content-Type", "application/json");
        outHeaders.put("X-Correlation-Id", correlationId.value());
        Map<String, Object> out = new HashMap<>();
        out.put("statusCode", response.status());
        out.put("headers", outHeaders);
        out.put("isBase64Encoded", false);
        try {
            out.put("body", Json.MAPPER.writeValueAsString(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a response body", e);
        }
        return out;
    }

    /** The request body as text; empty when it claims to be base64 and is not. */
    private static Optional<String> body(JsonNode event) {
        String body = event.path("body").asText("");
        if (!event.path("isBase64Encoded").asBoolean(false)) {
            return Optional.of(body);
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The caller is who the authorizer says: a JWT's {@code tenant} (or {@code sub}) claim, or the IAM principal. The
     * {@code X-Tenant-Id} header counts only where the deployment trusts it (the local runtime).
     */
    private Optional<String> tenant(JsonNode authorizer, Map<String, String> headers) {
        JsonNode claims = authorizer.path("jwt").path("claims");
        for (String claim : new String[] {"tenant", "custom:tenant", "sub"}) {
            if (claims.hasNonNull(claim)) {
                return Optional.of(claims.get(claim).asText());
            }
        }
        JsonNode iam = authorizer.path("iam");
        if (iam.hasNonNull("userId")) {
            return Optional.of(iam.get("userId").asText());
        }
        return trustTenantHeader ? Optional.ofNullable(headers.get("x-tenant-id")) : Optional.empty();
    }

    /**
     * {@code job.requested} from EventBridge: the bus is trusted, the tenant comes in the detail. A bad event is
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
            SubmitJob.Command command = jobRequest(event.path("detail"));
            ThreadContext.put("correlation_id", command.correlationId().value());
            SubmitJob.Result result = submitJob.submit(command);
            switch (result) {
                case SubmitJob.Result.Accepted a ->
                    LOG.info("job.requested -> accepted {}", a.job().id());
                case SubmitJob.Result.Duplicate d ->
                    LOG.info("job.requested -> duplicate of {}", d.job().id());
                case SubmitJob.Result.Conflict c -> reject(event, c.message());
            }
        } catch (InvalidInputException e) {
            reject(event, HttpResponse.printable(e.getMessage()));
        }
    }

    private static SubmitJob.Command jobRequest(JsonNode detail) {
        if (!detail.isObject()) {
            throw InvalidInputException.invalid("detail", "must be a JSON object");
        }
        Optional<String> given = Fields.optionalText(detail, "correlationId", "detail.correlationId")
                .filter(v -> !v.isBlank());
        given.flatMap(CorrelationId::problem).ifPresent(problem -> {
            throw InvalidInputException.invalid("detail.correlationId", problem);
        });
        TenantId tenant;
        try {
            tenant = new TenantId(Fields.text(detail, "tenant", "detail.tenant"));
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.invalid("detail.tenant", e.getMessage());
        }
        return new SubmitJob.Command(
                tenant,
                Fields.text(detail, "pipeline", "detail.pipeline"),
                Fields.strings(detail.get("input"), "detail.input"),
                Fields.optionalText(detail, "idempotencyKey", "detail.idempotencyKey"),
                given.map(CorrelationId::new).orElseGet(CorrelationId::random),
                Fields.priority(detail, "priority", "detail.priority", Priority.INTERACTIVE));
    }

    private void reject(JsonNode event, String reason) {
        LOG.error(
                "rejected job.requested event {}: {}",
                HttpResponse.printable(event.path("id").asText()),
                reason);
        metrics.addMetric("RejectedEvents", 1, MetricUnit.COUNT);
    }
}
