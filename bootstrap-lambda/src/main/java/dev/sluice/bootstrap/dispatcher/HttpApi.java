package dev.sluice.bootstrap.dispatcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.BatchId;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Document;
import dev.sluice.domain.model.IngestRequest;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.usecase.IdempotencyConflictException;
import dev.sluice.domain.usecase.IngestDocuments;
import dev.sluice.domain.usecase.InvalidInputException;
import dev.sluice.domain.usecase.QueryJob;
import dev.sluice.domain.usecase.RetryJob;
import dev.sluice.domain.usecase.SubmissionIncompleteException;
import dev.sluice.domain.usecase.SubmitBatch;
import dev.sluice.domain.usecase.SubmitJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The HTTP API of sluice: routes, request parsing, and errors a person understands. Never a 500 for bad input. */
final class HttpApi {
    private static final Logger LOG = LogManager.getLogger(HttpApi.class);
    private static final Pattern JOB = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})");
    private static final Pattern TRACE = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})/trace");
    private static final Pattern RETRY = Pattern.compile("/v1/jobs/([A-Za-z0-9_-]{1,64})/retry");
    private static final Pattern BATCH = Pattern.compile("/v1/batches/([A-Za-z0-9_-]{1,64})");
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    private final SubmitJob submitJob;
    private final SubmitBatch submitBatch;
    private final QueryJob query;
    private final IngestDocuments ingest;
    private final RetryJob retry;

    HttpApi(SubmitJob submitJob, SubmitBatch submitBatch, QueryJob query, IngestDocuments ingest, RetryJob retry) {
        this.submitJob = submitJob;
        this.submitBatch = submitBatch;
        this.query = query;
        this.ingest = ingest;
        this.retry = retry;
    }

    HttpResponse handle(HttpRequest request, CorrelationId correlationId) {
        try {
            if (request.tenant().isEmpty()) {
                return HttpResponse.error(
                        401, "unauthenticated", "no caller identity: call through the API's authorizer");
            }
            TenantId tenant = tenant(request.tenant().get());
            return route(request, tenant, correlationId);
        } catch (InvalidInputException e) {
            return HttpResponse.fieldError(
                    e.tooLarge() ? 413 : 400,
                    e.tooLarge() ? "too_large" : "invalid_request",
                    e.field(),
                    e.getMessage());
        } catch (IdempotencyConflictException e) {
            return HttpResponse.error(409, "idempotency_conflict", e.getMessage());
        } catch (SubmissionIncompleteException e) {
            LOG.warn("a batch was cut short", e);
            return e.retryable()
                    ? HttpResponse.error(503, "unavailable", e.getMessage() + " (correlation id " + correlationId + ")")
                    : internal(correlationId);
        } catch (TransientException | ThrottledException e) {
            LOG.warn("a dependency is unavailable", e);
            return HttpResponse.error(
                    503,
                    "unavailable",
                    "sluice could not reach a dependency; retry with the same" + " idempotency key (correlation id "
                            + correlationId + ")");
        } catch (RuntimeException e) {
            // A permanent dependency failure (a missing queue, denied access) or a defect: nothing the caller did.
            LOG.error("request failed", e);
            return internal(correlationId);
        }
    }

    private static HttpResponse internal(CorrelationId correlationId) {
        return HttpResponse.error(
                500, "internal", "sluice failed to handle the request; quote correlation id " + correlationId);
    }

    private HttpResponse route(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        String path = r.path().endsWith("/") && r.path().length() > 1
                ? r.path().substring(0, r.path().length() - 1)
                : r.path();
        Matcher m;
        if (path.equals("/v1/jobs")) {
            return r.method().equals("POST") ? submitJob(r, tenant, correlationId) : notAllowed("POST");
        }
        if (path.equals("/v1/batches")) {
            return r.method().equals("POST") ? submitBatch(r, tenant, correlationId) : notAllowed("POST");
        }
        if (path.equals("/v1/documents")) {
            return r.method().equals("POST") ? ingest(r, tenant, correlationId) : notAllowed("POST");
        }
        if ((m = TRACE.matcher(path)).matches()) {
            return r.method().equals("GET") ? trace(tenant, new JobId(m.group(1))) : notAllowed("GET");
        }
        if ((m = RETRY.matcher(path)).matches()) {
            return r.method().equals("POST") ? retry(tenant, new JobId(m.group(1))) : notAllowed("POST");
        }
        if ((m = JOB.matcher(path)).matches()) {
            return r.method().equals("GET") ? job(tenant, new JobId(m.group(1))) : notAllowed("GET");
        }
        if ((m = BATCH.matcher(path)).matches()) {
            return r.method().equals("GET") ? batch(tenant, new BatchId(m.group(1))) : notAllowed("GET");
        }
        return HttpResponse.error(
                404,
                "not_found",
                "no route " + r.method() + " " + r.path()
                        + " (routes: POST /v1/jobs, POST /v1/batches, GET /v1/jobs/{id}, GET /v1/jobs/{id}/trace,"
                        + " POST /v1/jobs/{id}/retry, GET /v1/batches/{id}, POST /v1/documents)");
    }

    private HttpResponse submitJob(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        SubmitJob.Result result = submitJob.submit(new SubmitJob.Command(
                tenant,
                text(body, "pipeline"),
                Fields.strings(body.get("input"), "input"),
                idempotencyKey(r, body),
                correlationId,
                Fields.priority(body, "priority", "priority", Priority.INTERACTIVE)));
        return switch (result) {
            case SubmitJob.Result.Accepted a -> HttpResponse.json(202, Views.accepted(a.job()));
            case SubmitJob.Result.Duplicate d -> HttpResponse.json(200, Views.job(d.job()));
            case SubmitJob.Result.Conflict c -> HttpResponse.error(409, "idempotency_conflict", c.message());
        };
    }

    private HttpResponse submitBatch(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        JsonNode items = body.get("items");
        if (items == null || !items.isArray()) {
            throw InvalidInputException.invalid("items", "must be a list of inputs, e.g. [{\"question\": \"...\"}]");
        }
        List<Map<String, String>> inputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            inputs.add(Fields.strings(items.get(i), "items[" + i + "]"));
        }
        Batch batch = submitBatch.submit(new SubmitBatch.Command(
                tenant,
                text(body, "pipeline"),
                inputs,
                idempotencyKey(r, body),
                correlationId,
                Fields.priority(body, "priority", "priority", Priority.BATCH)));
        return HttpResponse.json(202, Views.batch(batch));
    }

    private HttpResponse ingest(HttpRequest r, TenantId tenant, CorrelationId correlationId) {
        JsonNode body = body(r);
        List<JsonNode> docs = Fields.list(body, "documents", "documents");
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            String path = "documents[" + i + "]";
            JsonNode d = Fields.object(docs.get(i), path);
            Map<String, String> metadata =
                    d.hasNonNull("metadata") ? Fields.strings(d.get("metadata"), path + ".metadata") : Map.of();
            try {
                documents.add(new Document(
                        Fields.text(d, "id", path + ".id"),
                        Fields.optionalText(d, "contentType", path + ".contentType")
                                .orElse("text/plain"),
                        Fields.text(d, "text", path + ".text"),
                        metadata));
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid(path, e.getMessage());
            }
        }
        List<JsonNode> delete = Fields.list(body, "delete", "delete");
        List<String> deletions = new ArrayList<>();
        for (int i = 0; i < delete.size(); i++) {
            deletions.add(Fields.element(delete.get(i), "delete[" + i + "]"));
        }
        ingest.enqueue(new IngestRequest(tenant, correlationId, text(body, "index"), documents, deletions));
        return HttpResponse.json(
                202,
                Map.of(
                        "accepted",
                        documents.size(),
                        "deletions",
                        deletions.size(),
                        "correlationId",
                        correlationId.value()));
    }

    private HttpResponse job(TenantId tenant, JobId id) {
        return query.job(tenant, id)
                .map(job -> HttpResponse.json(200, Views.job(job)))
                .orElseGet(() -> notFound("job", id.value()));
    }

    /** Only the job's own tenant may retry it; anyone else sees no such job. */
    private HttpResponse retry(TenantId tenant, JobId id) {
        if (query.job(tenant, id).isEmpty()) {
            return notFound("job", id.value());
        }
        RetryJob.Result result = retry.retry(id);
        String outcome = switch (result) {
            case RetryJob.Result.Reopened r -> "reopened";
            case RetryJob.Result.Resent r -> "requeued";
            case RetryJob.Result.AlreadySucceeded r -> "already_succeeded";
            case RetryJob.Result.Missing r -> "missing";
        };
        return HttpResponse.json(
                result instanceof RetryJob.Result.Missing ? 404 : 200,
                Map.of("jobId", id.value(), "outcome", outcome, "message", result.describe()));
    }

    private HttpResponse trace(TenantId tenant, JobId id) {
        return query.trace(tenant, id)
                .map(hops -> HttpResponse.json(200, new Views.TraceView(id.value(), hops)))
                .orElseGet(() -> notFound("job", id.value()));
    }

    private HttpResponse batch(TenantId tenant, BatchId id) {
        return query.batch(tenant, id)
                .map(b -> HttpResponse.json(200, Views.batch(b)))
                .orElseGet(() -> notFound("batch", id.value()));
    }

    private static HttpResponse notFound(String what, String id) {
        return HttpResponse.error(404, "not_found", "no " + what + " " + id + " for this caller");
    }

    private static HttpResponse notAllowed(String allowed) {
        return new HttpResponse(
                405, new HttpResponse.ApiError("method_not_allowed", "use " + allowed, null), Map.of("Allow", allowed));
    }

    private static TenantId tenant(String raw) {
        try {
            return new TenantId(raw);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.invalid("tenant", e.getMessage());
        }
    }

    private static JsonNode body(HttpRequest r) {
        if (r.body() == null || r.body().isBlank()) {
            throw InvalidInputException.invalid("body", "is empty; send a JSON object");
        }
        if (r.body().length() > MAX_BODY_BYTES) {
            throw InvalidInputException.tooLarge("body", "is larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(r.body());
            if (node == null || !node.isObject()) {
                throw InvalidInputException.invalid("body", "must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw InvalidInputException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        return Fields.text(node, field, field);
    }

    private static Optional<String> idempotencyKey(HttpRequest r, JsonNode body) {
        return r.header("idempotency-key").or(() -> Fields.optionalText(body, "idempotencyKey", "idempotencyKey"));
    }
}
