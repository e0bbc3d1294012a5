package dev.sluice.bootstrap.dispatcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.bootstrap.shared.Priming;
import dev.sluice.domain.model.CorrelationId;
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
import java.util.UUID;
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
        JsonNode event = Json.MAPPER.readTree(input);
        metrics.captureColdStartMetric(context);
        Object response = PowertoolsLogging.withLogging(context, () -> {
            try {
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

    private Map<String, Object> onHttp(JsonNode event) {
        Map<String, String> headers = new HashMap<>();
        event.path("headers")
                .properties()
                .forEach(h -> headers.put(
                        h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        CorrelationId correlationId = correlationId(headers.get("x-correlation-id"));
        ThreadContext.put("correlation_id", correlationId.value());
        String body = event.path("body").asText("");
        if (event.path("isBase64Encoded").asBoolean(false)) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        HttpRequest request = new HttpRequest(
                event.path("requestContext").path("http").path("method").asText("GET"),
                event.path("rawPath").asText("/"),
                headers,
                body,
                tenant(event.path("requestContext").path("authorizer"), headers));
        HttpResponse response = api.handle(request, correlationId);
        LOG.info("{} {} -> {}", request.method(), request.path(), response.status());
        metrics.addMetric(response.status() < 400 ? "ApiRequests" : "ApiErrors", 1, MetricUnit.COUNT);
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

    /** {@code job.requested} from EventBridge: the bus is trusted, the tenant comes in the detail. */
    private void onEvent(JsonNode event) {
        String type = event.path("detail-type").asText();
        if (!type.equals("job.requested")) {
            LOG.warn("ignoring event of type {}", type);
            return;
        }
        JsonNode detail = event.path("detail");
        CorrelationId correlationId = correlationId(detail.path("correlationId").asText(null));
        ThreadContext.put("correlation_id", correlationId.value());
        try {
            Map<String, String> input = new HashMap<>();
            detail.path("input")
                    .properties()
                    .forEach(f -> input.put(f.getKey(), f.getValue().asText()));
            SubmitJob.Result result = submitJob.submit(new SubmitJob.Command(
                    new TenantId(detail.path("tenant").asText("")),
                    detail.path("pipeline").asText(""),
                    input,
                    Optional.ofNullable(detail.get("idempotencyKey")).map(JsonNode::asText),
                    correlationId));
            LOG.info("job.requested -> {}", result);
        } catch (InvalidInputException | IllegalArgumentException e) {
            // Nobody waits on an event for an answer: refuse it loudly; retrying cannot make it valid.
            LOG.error("rejected job.requested event {}: {}", event.path("id").asText(), e.getMessage());
            metrics.addMetric("RejectedEvents", 1, MetricUnit.COUNT);
        }
    }

    private static CorrelationId correlationId(String given) {
        if (given != null && !given.isBlank() && given.length() <= 128) {
            return new CorrelationId(given);
        }
        return new CorrelationId(UUID.randomUUID().toString());
    }
}
